import PGSecureModel

/// What `--json` prints for bad input: scripts parse stdout whatever happened. `test` answers in its report's shape
/// (connected, verdict, diagnosis), with the refusal's code (`DiagnosisCode(refusing:)`: `root-cert-missing` for an
/// unusable root file, else `bad-input`).
enum BadInputJSON {
    struct TestShape: Encodable {
        struct Diagnosis: Encodable {
            let code: String
            let summary: String
            let fix: String
        }

        let connected = false
        let verdict = "failed"
        let diagnosis: Diagnosis
    }

    struct ErrorShape: Encodable {
        struct Error: Encodable {
            let code: String
            let message: String
        }

        let error: Error
    }

    /// `line` is the one-line message already said on stderr ("field: problem — fix").
    static func render(_ line: String, code diagnosis: DiagnosisCode, forTest: Bool) -> String {
        let code = diagnosis.rawValue
        let parts = line.split(separator: " — ", maxSplits: 1).map(String.init)
        let text =
            forTest
            ? try? JSONText.of(TestShape(diagnosis: .init(code: code, summary: parts[0], fix: parts.count > 1 ? parts[1] : "")))
            : try? JSONText.of(ErrorShape(error: .init(code: code, message: line)))
        return text ?? ""
    }
}
