/// `fleet-audit export`: how the account owner produces a snapshot. FleetAudit itself never
/// touches the network; the export runs AWS's own SDK with read-only calls
/// (`scripts/export-snapshot.sh`, details in `docs/exporter.md`).
public enum ExportInstructions {
    /// The script, relative to the repository root.
    public static let script = "scripts/export-snapshot.sh"

    /// Every option of the script with its help text, in the order of its usage line.
    public static let options: [(flag: String, help: String)] = [
        ("--out DIR", "the snapshot directory to create (must not exist or be empty)"),
        ("--region R", "the AWS region to export (default: the profile's region or AWS_REGION)"),
        ("--profile P", "the AWS CLI profile whose credentials to use (default: the usual credential chain)"),
        ("--endpoint-url URL", "send every call to URL instead of AWS (a local test endpoint)"),
        ("--logs-days N", "also export N days of IoT Connect/Disconnect logs (log group AWSIotLogsV2)"),
        ("--parallel N", "parallel per-item describe calls (default 8)"),
        ("--quiet", "no progress on stderr"),
    ]

    public static func render() -> String {
        let width = options.map(\.flag.count).max() ?? 0
        var lines = [
            "fleet-audit never calls AWS. Someone with access to the account exports a snapshot with",
            "AWS's own SDK (python3 + boto3), read-only, and hands the directory over:",
            "",
            "    \(script) --out DIR [--region R] [--profile P] [--endpoint-url URL] [--logs-days N] [--parallel N]",
            "",
        ]
        for option in options {
            let padding = String(repeating: " ", count: width - option.flag.count)
            lines.append("  \(option.flag)\(padding)  \(option.help)")
        }
        lines += [
            "",
            "The credentials need only the read-only IAM policy docs/exporter-iam-policy.json (docs/exporter.md).",
            "manifest.json is written last: a directory without it is an interrupted export. APIs that",
            "could not be called are listed, with the reason, in the manifest's \"unavailable\"; the checks",
            "that need them end FAILED and name the file.",
            "Exit status: 0 everything collected, 1 exported with unavailable files, 2 nothing exported,",
            "64 usage error.",
            "",
            "Hand the snapshot over as one archive and its checksum:",
            "    tar -czf DIR.tar.gz DIR && sha256sum DIR.tar.gz > DIR.tar.gz.sha256",
            "The reviewer checks it and audits it offline:",
            "    sha256sum -c DIR.tar.gz.sha256 && tar -xzf DIR.tar.gz",
            "    fleet-audit audit DIR --out AUDIT_DIR",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
