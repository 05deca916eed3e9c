import FleetAuditX509
// The certificate and CRL decoders. Input: byte 0 picks the decoder
// (0: one PEM certificate, 1: DER certificate, 2: CRL file, PEM or DER,
// 3: a PEM bundle as in ca-chain/); the rest is what it decodes.
import FuzzDriver

private func touch(_ fields: CertificateFields) {
    _ = fields.fingerprint
    _ = fields.serialNumberHex
    _ = fields.isSelfIssued
    _ = fields.issuer
    _ = fields.subject
    _ = fields.crlDistributionPoints
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 4 {
    case 0:
        if case .success(let fields) = CertificateFields.decode(pem: String(decoding: body, as: UTF8.self)) {
            touch(fields)
        }
    case 1:
        if case .success(let fields) = CertificateFields.decode(der: body) { touch(fields) }
    case 2:
        if case .success(let crl) = CertificateRevocationList.decode(file: body) {
            _ = crl.issuer
            _ = crl.revokedSerialNumbers.count
            _ = crl.signatureAlgorithmName
            _ = crl.verifySignature(issuerKey: nil, issuerKeyDescription: "none")
        }
    default:
        if case .success(let results) = CertificateFields.decodeBundle(pem: String(decoding: body, as: UTF8.self)) {
            for case .success(let fields) in results { touch(fields) }
        }
    }
    return 0
}

@_cdecl("FuzzX509_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}
