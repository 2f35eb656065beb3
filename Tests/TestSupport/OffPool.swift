import Dispatch

/// Runs blocking work (a child process, a wait on a pipe) on a thread of its own and awaits it, so the wait never
/// holds one of the few cooperative-pool threads (one per core) that every other test's tasks need.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        // A serial queue per call: Dispatch gives it a thread even when all others are blocked.
        DispatchQueue(label: "pgsecure.tests.off-pool").async { continuation.resume(with: Result { try work() }) }
    }
}
