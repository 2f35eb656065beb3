import Foundation
import Testing

/// The bench scripts' own set-up, run against the test's lab with stand-ins for the parts that only measure.
@Suite("Bench scripts")
struct BenchScriptTests {
    /// A directory with executable stand-ins, put first on PATH.
    static func standIns(_ scripts: [String: String]) throws -> URL {
        let directory = try makeTemporaryDirectory("pgsecure-bench")
        for (name, text) in scripts {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return directory
    }

    /// A delay proxy that dies at start must stop bench/latency at once, saying so (not a `cat` error seconds later).
    @Test func latencySaysWhenTheProxyDoesNotStart() throws {
        let lab = try TLSLab.load()
        let bin = try Self.standIns(["python3": "#!/bin/sh\necho 'proxy: cannot start' >&2\nexit 1\n"])
        defer { try? FileManager.default.removeItem(at: bin) }
        let started = Date()
        let result = try run(
            "/bin/bash", [packageRoot.appendingPathComponent("bench/latency").path],
            environment: ["PATH": bin.path + ":/usr/bin:/bin", "PGSECURE_LAB": try #require(lab.values["LAB_DIR"]),
                          "PGSECURE_BIN": pgsecureBinary, "LANG": "C.UTF-8"],
            timeout: 60)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bench/latency: the delay proxy"), "\(result.stderr)")
        #expect(!result.stderr.contains("No such file"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 4)
    }

    /// bench/audit's "refused" targets point at a port nothing listens on: it must stay bound (so no other process
    /// takes it) for as long as the audits run, and be released afterwards. A stand-in pgsecure records, each time it
    /// is run, whether the port could be bound; a stand-in hyperfine runs each command once.
    @Test func auditHoldsTheClosedPortWhileItRuns() throws {
        let lab = try TLSLab.load()
        let bin = try Self.standIns([
            "hyperfine": """
                #!/bin/bash
                json= names=() commands=()
                while (($#)); do
                    case $1 in
                        --export-json) json=$2; shift 2 ;;
                        -n) names+=("$2"); commands+=("$3"); shift 3 ;;
                        --style|--runs|--warmup) shift 2 ;;
                        *) shift ;;
                    esac
                done
                results=()
                for i in "${!names[@]}"; do
                    ${commands[$i]} >/dev/null 2>&1 || true
                    results+=("{\\"command\\": \\"${names[$i]}\\", \\"median\\": 0.01}")
                done
                (IFS=,; echo "{\\"results\\": [${results[*]}]}") >"$json"

                """,
            "pgsecure": """
                #!/bin/sh
                port=$(sed -n '/-refused]/,/^port=/s/^port=//p' "$HOME/.pg_service.conf" | head -1)
                /usr/bin/python3 -c '
                import socket, sys
                s = socket.socket()
                try:
                    s.bind(("127.0.0.1", int(sys.argv[1])))
                    print(sys.argv[1], "free")
                except OSError:
                    print(sys.argv[1], "held")
                ' "$port" >>"$PROBE"

                """,
        ])
        defer { try? FileManager.default.removeItem(at: bin) }
        let probe = bin.appendingPathComponent("probe").path
        let result = try run(
            "/bin/bash", [packageRoot.appendingPathComponent("bench/audit").path],
            environment: ["PATH": bin.path + ":/usr/bin:/bin", "PGSECURE_LAB": try #require(lab.values["LAB_DIR"]),
                          "PGSECURE_BIN": bin.appendingPathComponent("pgsecure").path, "RUNS": "1", "PROBE": probe,
                          "LANG": "C.UTF-8"],
            timeout: 120)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let sightings = try String(contentsOfFile: probe, encoding: .utf8).split(separator: "\n")
        #expect(sightings.count >= 2)
        #expect(sightings.allSatisfy { $0.hasSuffix(" held") }, "\(sightings)")
        // Released once the bench is over: its holder does not outlive it.
        let port = try #require(sightings.first.flatMap { Int($0.split(separator: " ")[0]) })
        try Self.pollUntil("the closed port is released", timeout: 10) { Self.canBind(port) }
    }

    static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func pollUntil(_ description: String, timeout: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw BenchWaitError(description: "waited \(timeout) s for \(description)") }
            usleep(20_000)
        }
    }
}

struct BenchWaitError: Error, CustomStringConvertible {
    let description: String
}
