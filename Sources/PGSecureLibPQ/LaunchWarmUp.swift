import COpenSSL
import Dispatch
import PGSecureModel

/// One-time work nearly every command pays on its critical path, started at launch on another core so that it overlaps
/// the argument parsing instead (about 1.5 ms of `pgsecure test`'s time on loopback, see bench/tester):
/// - OpenSSL's set-up: its configuration file, its providers, the SHA-256 and X.509 decoders, the TLS method tables,
///   used by every root-file check and every connection;
/// - the provider catalogue, decoded from JSON to recognise the host.
///
/// Both are thread-safe run-once initialisations, so whatever the main thread reaches first waits for them. The
/// process must then leave with `_exit`: OpenSSL's atexit clean-up could otherwise free what this thread still uses.
public enum LaunchWarmUp {
    public static func start() {
        DispatchQueue.global(qos: .userInitiated).async {
            OPENSSL_init_ssl(UInt64(OPENSSL_INIT_LOAD_CONFIG), nil)
            EVP_MD_free(EVP_MD_fetch(nil, "SHA256", nil))
            SSL_CTX_free(SSL_CTX_new(TLS_client_method()))
            _ = Provider.all
        }
    }
}
