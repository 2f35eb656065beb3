import Foundation

/// Writes a self-signed CA certificate (PEM) named `commonName`, valid from `fromDays` to `toDays` days from now
/// (negative: in the past), with python3-cryptography: openssl 3.0 cannot date a certificate in the past.
public func writeSelfSignedCA(to path: String, commonName: String, fromDays: Int = -1, toDays: Int = 3650) throws {
    let script = """
        import sys, datetime
        from cryptography import x509
        from cryptography.x509.oid import NameOID
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        out, cn, start, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=start)).not_valid_after(now + datetime.timedelta(days=end))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
        open(out, "wb").write(cert.public_bytes(serialization.Encoding.PEM))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script, path, commonName, String(fromDays), String(toDays)]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
}
