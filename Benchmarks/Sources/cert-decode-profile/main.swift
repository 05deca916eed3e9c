// Decodes the workshop snapshot's certificates N times each with the full
// swift-certificates decode (the path before issue 9: PEMDocument, then
// Certificate, then the key back through swift-crypto) and with the narrow
// swift-asn1 walk the certificate checks use now (PEM decoded in place, then
// CertificateFields), and prints µs per certificate. Without package-benchmark's
// malloc interposer, so profilers and plain timing see the decoders alone:
//   .build/release/cert-decode-profile both 2000
//   valgrind --tool=callgrind .build/release/cert-decode-profile new 200
//   valgrind .build/release/cert-decode-profile old 100   # "total heap usage: N allocs"
// Modes: both (old then new, side by side in one run), old, new. An optional
// third argument names another snapshot directory.
import FleetAuditX509
import Foundation

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "both"
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
let snapshot =
    arguments.count > 3
    ? arguments[3]
    : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/snapshots/workshop"

/// The `certificatePem`s of certificates.json and ca-certificates.json.
func workshopPEMs() -> [String] {
    var pems: [String] = []
    for file in ["certificates.json", "ca-certificates.json"] {
        guard let data = FileManager.default.contents(atPath: snapshot + "/" + file),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let descriptions = root["certificateDescriptions"] as? [[String: Any]]
        else {
            print("cannot read \(snapshot)/\(file)")
            exit(2)
        }
        pems += descriptions.compactMap { $0["certificatePem"] as? String }
    }
    return pems
}

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = (ContinuousClock.now - start).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
}

let pems = workshopPEMs()
let count = pems.count * rounds
// Something read from every result, so the optimiser keeps the work.
var checksum = 0

@MainActor func runOld() -> Double {
    seconds {
        for _ in 0..<rounds {
            for pem in pems {
                if case .success(let certificate) = DecodedCertificate.decode(pem: pem) {
                    checksum &+= Int(certificate.notAfter.microsecondsSinceEpoch & 0xFF) &+ certificate.publicKey.bits
                }
            }
        }
    }
}

@MainActor func runNew() -> Double {
    seconds {
        for _ in 0..<rounds {
            for pem in pems {
                if case .success(let certificate) = CertificateFields.decode(pem: pem) {
                    checksum &+= Int(certificate.notAfter.microsecondsSinceEpoch & 0xFF) &+ certificate.publicKey.bits
                }
            }
        }
    }
}

func report(_ name: String, _ time: Double) -> Double {
    let micros = time / Double(count) * 1e6
    print(
        "\(name): \(count) certificates in \(Int((time * 1000).rounded())) ms, \(String(format: "%.2f", micros)) µs each"
    )
    return micros
}

switch mode {
case "old":
    _ = report("old (swift-certificates)", runOld())
case "new":
    _ = report("new (narrow walk)", runNew())
default:
    // Warm both paths (lazily built tables, page faults), then measure each twice, interleaved.
    _ = (runOld(), runNew())
    var old = Double.infinity
    var new = Double.infinity
    for _ in 0..<2 {
        old = min(old, runOld())
        new = min(new, runNew())
    }
    let oldMicros = report("old (swift-certificates)", old)
    let newMicros = report("new (narrow walk)", new)
    print("speed-up: \(String(format: "%.1f", oldMicros / newMicros))x")
}
print("\(pems.count) certificates per round, checksum \(checksum)")
