/// The `manifest.json` of a check example: the examples' account and region,
/// exported at `exportedAt`, with `unavailable` files (name and the exporter's
/// reason) for examples of inputs the export could not collect.
enum ExampleManifest {
    static func text(exportedAt: String = "2026-11-26T08:00:00Z", unavailable: [(file: String, reason: String)] = [])
        -> String
    {
        let listed = unavailable.map { #"{"file": "\#($0.file)", "reason": "\#($0.reason)"}"# }
        return #"{"accountId": "\#(CertificateFixture.account)", "region": "\#(CertificateFixture.region)", "#
            + #""exportedAt": "\#(exportedAt)", "#
            + #""unavailable": [\#(listed.joined(separator: ", "))]}"#
    }
}
