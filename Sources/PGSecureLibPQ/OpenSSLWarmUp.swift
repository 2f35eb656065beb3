import COpenSSL
import Dispatch
import PGSecureModel

/// OpenSSL's one-time set-up: its configuration file, its providers, the SHA-256 and X.509 decoders, the TLS method
/// tables. Every command that checks a root file or connects pays it once, about a millisecond on the critical path.
/// Started at launch on another core, it overlaps the argument parsing instead.
///
/// OpenSSL's initialisation is thread-safe (run-once), so whatever the main thread reaches first simply waits for it.
/// The process must then leave with `_exit`: OpenSSL's atexit clean-up could otherwise free what this thread uses.
public enum OpenSSLWarmUp {
    public static func start() {
        DispatchQueue.global(qos: .userInitiated).async { warm(); _ = Provider.all }
    }

    static func warm() {
        OPENSSL_init_ssl(UInt64(OPENSSL_INIT_LOAD_CONFIG), nil)
        EVP_MD_free(EVP_MD_fetch(nil, "SHA256", nil))
        SSL_CTX_free(SSL_CTX_new(TLS_client_method()))
    }
}
