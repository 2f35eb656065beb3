#if canImport(Glibc)
import Glibc
#endif

/// stdout carries only the requested output; everything said to the person goes to stderr.
enum Console {
    static func output(_ text: String) { write(text, to: STDOUT_FILENO) }

    static func error(_ line: String) { write(line + "\n", to: STDERR_FILENO) }

    /// Unbuffered, whole: nothing is left half-written in a buffer if the process exits. When the reader has gone
    /// (`pgsecure url | true`: EPIPE, since SIGPIPE is ignored) the output cannot arrive: exit 1 without a word.
    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                if descriptor == STDOUT_FILENO { Glibc.exit(1) }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    static var environment: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}
