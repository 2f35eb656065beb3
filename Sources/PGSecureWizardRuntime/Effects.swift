#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PGSecureDisk
import PGSecureModel
import PGSecureWizard
import SystemPackage

/// OSC 52 for the terminal, and the clipboard helper programs found on PATH.
enum Clipboard {
    /// `ESC ] 52 ; c ; <base64> BEL`: the terminal (or tmux with set-clipboard on) puts it on the clipboard.
    static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1b}]52;c;".utf8) + base64(Array(text.utf8)) + [7]
    }

    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var result: [UInt8] = []
        result.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                result.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return result
    }

    /// Feeds the text to every clipboard helper that can work here; returns the names of those that did.
    static func copyWithHelpers(_ text: String, environment: [String: String]) -> [String] {
        var helpers: [(name: String, arguments: [String])] = []
        if environment["WAYLAND_DISPLAY"] != nil { helpers.append(("wl-copy", [])) }
        if environment["DISPLAY"] != nil { helpers.append(("xclip", ["-selection", "clipboard"])) }
        helpers.append(("pbcopy", []))
        // Inside tmux, its paste buffer too (prefix-] pastes; -w also forwards to the outer clipboard).
        if environment["TMUX"] != nil { helpers.append(("tmux", ["load-buffer", "-w", "-"])) }
        var used: [String] = []
        for helper in helpers {
            guard let path = Subprocess.find(helper.name, environment: environment) else { continue }
            if Subprocess.run(path, helper.arguments, input: Array(text.utf8)) == 0 {
                used.append(helper.name == "tmux" ? "tmux buffer" : helper.name)
            }
        }
        return used
    }
}

enum Subprocess {
    static func find(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs a program with `input` on its stdin and stdout/stderr to /dev/null; returns its exit status.
    static func run(_ path: String, _ arguments: [String], input: [UInt8]) -> Int32 {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return -1 }
        // Close-on-exec (the child's stdin is a dup2, which clears it): a helper that stays in the background (xclip,
        // wl-copy) must not hold another copy's pipe open.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(pipeEnds[0])
        guard spawned == 0 else {
            close(pipeEnds[1])
            return -1
        }
        // A helper that exits early (EPIPE: SIGPIPE is ignored) just ends the write.
        _ = try? FileDescriptor(rawValue: pipeEnds[1]).writeAll(input)
        close(pipeEnds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}

public enum FileWriter {
    /// Writes the whole file or nothing: the contents go to a new temporary file in the same directory (created
    /// with O_EXCL and its final mode, so a secret is never readable by others, not even for a moment), are synced,
    /// and are renamed over `path`. An existing file is replaced only with `overwrite` (the user confirmed), and keeps
    /// the stricter of its old mode and `permissions` (a 0600 file never becomes 0644), unless `modeIsExact`: the
    /// caller chose the mode from the file already (a password file libpq cannot use becomes exactly 0600), and
    /// neither the old mode nor the umask narrows it. Returns the mode the file really has.
    public static func write(
        _ contents: String, to path: String, permissions: Int, overwrite: Bool, modeIsExact: Bool = false
    ) -> FileWriteResult {
        func failure(_ code: Int32 = errno) -> FileWriteResult { .failed(path: path, message: String(cString: strerror(code))) }
        var mode = mode_t(permissions) & 0o777
        if let existing = LocalFiles.Facts.of(path, followingLinks: false) {
            guard overwrite else { return .exists(path: path) }
            guard existing.isRegularFile else {
                return .failed(path: path, message: "not a regular file; choose another name")
            }
            if !modeIsExact { mode &= mode_t(existing.mode) }
        } else if errno != ENOENT {
            return failure()
        }
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "./"
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        var temporary = ""
        var descriptor: Int32 = -1
        for _ in 0..<16 {
            temporary = directory + "." + name + ".pgsecure-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { return failure() }
        var isClosed = false
        var isPlaced = false
        defer {
            if !isClosed { close(descriptor) }
            if !isPlaced { unlink(temporary) }
        }
        // Before any byte is written; the file was created no wider than `mode`, so a secret is never exposed.
        if modeIsExact, fchmod(descriptor, mode) != 0 { return failure() }
        do {
            _ = try FileDescriptor(rawValue: descriptor).writeAll(contents.utf8)
        } catch {
            return failure((error as? Errno)?.rawValue ?? EIO)
        }
        var status = stat()
        guard fsync(descriptor) == 0, fstat(descriptor, &status) == 0 else { return failure() }
        isClosed = true
        guard close(descriptor) == 0 else { return failure() }
        if overwrite {
            guard rename(temporary, path) == 0 else { return failure() }
        } else {
            // link fails with EEXIST if the name was taken meanwhile: a file is never replaced without asking.
            if link(temporary, path) == 0 {
                unlink(temporary)
            } else {
                let code = errno
                if code == EEXIST { return .exists(path: path) }
                // File systems without hard links: check once more, then rename.
                guard [EPERM, EOPNOTSUPP, ENOSYS, EMLINK].contains(code) else { return failure(code) }
                if LocalFiles.Facts.of(path, followingLinks: false) != nil { return .exists(path: path) }
                guard rename(temporary, path) == 0 else { return failure() }
            }
        }
        isPlaced = true
        // The new name itself is durable once the directory is synced (best effort: some file systems refuse).
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return .written(path: path, permissions: LocalFiles.Facts(status).mode)
    }
}

/// PGSECURE_BENCH_TIMINGS=FILE: append `first_frame_ms` (from PGSECURE_BENCH_LAUNCH_NS, a CLOCK_REALTIME stamp
/// taken just before exec, else from process start), `repaint_ms` per key batch, and `test_shown_ms` (from the
/// moment a finished connection test is posted to the moment the frame showing it is drawn). Off when unset.
public final class BenchTimings: Sendable {
    private let file: String?
    private let launch: UInt64?

    public static let off = BenchTimings(environment: [:])

    public init(environment: [String: String]) {
        file = environment["PGSECURE_BENCH_TIMINGS"].flatMap { $0.isEmpty ? nil : $0 }
        launch = environment["PGSECURE_BENCH_LAUNCH_NS"].flatMap { UInt64($0) }
    }

    public static func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    func firstFrame() {
        guard file != nil else { return }
        let elapsed: UInt64
        if let launch {
            elapsed = Self.now(CLOCK_REALTIME) &- launch
        } else {
            var usage = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &usage)
            elapsed = UInt64(usage.tv_sec) * 1_000_000_000 + UInt64(usage.tv_nsec)
        }
        append("first_frame_ms \(milliseconds(elapsed))")
    }

    /// `name` with the milliseconds from `start` (a `now()` stamp) to now.
    func record(_ name: String, since start: UInt64) {
        guard file != nil else { return }
        append(name + " " + milliseconds(Self.now() - start))
    }

    private func milliseconds(_ nanoseconds: UInt64) -> String {
        let micro = nanoseconds / 1000
        let fraction = String(micro % 1000)
        return "\(micro / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private func append(_ line: String) {
        guard let file else { return }
        let descriptor = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}
