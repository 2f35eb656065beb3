import Foundation
@_exported import TestSupport

/// A fresh, empty HOME: no ~/.pgpass, no ~/.postgresql can change what a test connects with.
func makeEmptyHome() throws -> URL { try makeTemporaryDirectory("pgsecure-home") }
