import PGSecureDisk
import PGSecureModel
import PGSecureWizard

/// Writes a `ServicePlan` (`pgsecure save`, the wizard's "Save as service…"): the password file first, then the
/// service file, each atomically with its mode kept. Refuses, writing nothing, when either file changed since the
/// plan read it, so an edit made meanwhile is never lost.
public enum ServiceSaver {
    /// `disk`: where the files are read back to see whether they changed (the real disk, or a stand-in in tests).
    public static func save(_ plan: ServicePlan, disk: LocalFiles) -> ServiceSaveResult {
        // `exact`: only a password file libpq cannot use as it is gets its mode set outright (0600); every other file
        // keeps the stricter of the plan's mode and the mode it has when written (a chmod 600 meanwhile is kept).
        var writes: [(path: String, original: String?, text: String, mode: Int, exact: Bool)] = []
        if let password = plan.password, let path = plan.passwordPath, plan.writesPasswordFile {
            writes.append((path, plan.passwordOriginal, password.text, plan.passwordMode, plan.narrowing != nil))
        }
        if !plan.service.isUnchanged {
            writes.append((plan.servicePath, plan.serviceOriginal, plan.service.text, plan.serviceMode, false))
        }
        let paths = writes.map(\.path)
        for write in writes where !isAsRead(write.path, original: write.original, on: disk) {
            return .failed(message: "\(write.path) changed since it was read; nothing written, try again", found: disk.files(paths))
        }
        var written: [LocalFiles.File] = []
        var passwordFile: WrittenFile?
        for write in writes {
            switch FileWriter.write(write.text, to: write.path, permissions: write.mode, overwrite: true, modeIsExact: write.exact) {
            case .written(let path, let permissions):
                if path == plan.passwordPath { passwordFile = WrittenFile(path: path, permissions: permissions) }
            case .failed(let path, let message):
                // An earlier file may be written already: the files as they now are.
                return .failed(message: "could not write \(path): \(message); the old file is unchanged", found: disk.files(paths))
            case .exists(let path):
                return .failed(message: "could not write \(path); the old file is unchanged", found: disk.files(paths))
            }
            written.append(LocalFiles.File(path: write.path, facts: disk.facts(write.path), text: write.text))
        }
        guard !writes.isEmpty else { return .unchanged(name: plan.name, path: plan.servicePath) }
        return .saved(
            name: plan.name, servicePath: plan.servicePath, password: passwordFile,
            notices: plan.notices(writtenPasswordMode: passwordFile?.permissions), written: written)
    }

    /// The file is still what the plan read (`original` nil: it did not exist). One that exists but cannot be read
    /// now never counts as unchanged.
    static func isAsRead(_ path: String, original: String?, on disk: LocalFiles) -> Bool {
        guard disk.facts(path) != nil else { return original == nil }
        return original != nil && disk.contents(path) == original
    }
}
