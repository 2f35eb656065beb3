#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel
import PGSecureWizard

/// Writes a `ServicePlan` (`pgsecure save`, the wizard's "Save as service…"): the password file first, then the
/// service file, each atomically with its mode kept. Refuses, writing nothing, when either file changed since the
/// plan read it, so an edit made meanwhile is never lost.
public enum ServiceSaver {
    public static func save(_ plan: ServicePlan) -> ServiceSaveResult {
        var writes: [(path: String, original: String?, text: String, mode: Int)] = []
        if let password = plan.password, let path = plan.passwordPath, !password.isUnchanged {
            writes.append((path, plan.passwordOriginal, password.text, plan.passwordMode))
        }
        if !plan.service.isUnchanged { writes.append((plan.servicePath, plan.serviceOriginal, plan.service.text, plan.serviceMode)) }
        for write in writes where currentText(write.path) != write.original {
            return .failed(message: "\(write.path) changed since it was read; nothing written, try again")
        }
        for write in writes {
            if case .failed(let path, let message) = FileWriter.write(write.text, to: write.path, permissions: write.mode, overwrite: true) {
                return .failed(message: "could not write \(path): \(message); the old file is unchanged")
            }
        }
        guard !writes.isEmpty else { return .unchanged(name: plan.name, path: plan.servicePath) }
        let passwordSaved = writes.contains { $0.path == plan.passwordPath }
        return .saved(name: plan.name, servicePath: plan.servicePath, passwordPath: passwordSaved ? plan.passwordPath : nil)
    }

    /// The file's text now; nil when it does not exist (or cannot be read, which the write would then refuse too).
    static func currentText(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
