import FleetAuditCore
import FleetAuditJSON

extension UpdateCACertificateAction {
    /// A self-signed EC P-256 CA valid until 2036-11-30T15:07:36Z, made for this example with
    /// `openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=FleetAudit Examples/CN=Mitigation
    /// Example CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign`.
    static let caPEM = """
        -----BEGIN CERTIFICATE-----
        MIIB4jCCAYegAwIBAgIUd3i6sxP/BzIg0N/ndBHRznaYR9QwCgYIKoZIzj0EAwIw
        PjEcMBoGA1UECgwTRmxlZXRBdWRpdCBFeGFtcGxlczEeMBwGA1UEAwwVTWl0aWdh
        dGlvbiBFeGFtcGxlIENBMB4XDTI2MTIwMzE1MDczNloXDTM2MTEzMDE1MDczNlow
        PjEcMBoGA1UECgwTRmxlZXRBdWRpdCBFeGFtcGxlczEeMBwGA1UEAwwVTWl0aWdh
        dGlvbiBFeGFtcGxlIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE0Zg/q2VH
        r9sPnAXr7MRk5gvpyHTu0X4TzIp5sUzkZSl8XkOp7hlJ2KRN23AUoYtNmiwMsTrO
        AKzi6vcDt9VrhaNjMGEwHQYDVR0OBBYEFFW8a7++j8qeWBt3v0kwBmiSDJm5MB8G
        A1UdIwQYMBaAFFW8a7++j8qeWBt3v0kwBmiSDJm5MA8GA1UdEwEB/wQFMAMBAf8w
        DgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0kAMEYCIQDYubHgHEjd4/7eAajr
        bCb0olZfsE5+LrvJ9N5WOMQk9gIhAO+bme/+cMpiFWtGw8098xC+n91xzOqv8ARM
        35A68pgY
        -----END CERTIFICATE-----

        """
    /// The SHA-256 of its DER: its AWS IoT certificate id.
    static let caId = "abdf3e7eceec727634c31184905c55adce3b923d2cd7305440b8c32611432f01"

    /// `ca-certificates.json` with the CA in `status`, as `describe-ca-certificate` prints it.
    static func caCertificates(status: String, lastModified: String, version: Int) -> String {
        JSONWriter.pretty([
            "certificateDescriptions": [
                [
                    "certificateArn": .string("arn:aws:iot:us-east-1:123456789012:cacert/\(caId)"),
                    "certificateId": .string(caId), "status": .string(status), "certificatePem": .string(caPEM),
                    "ownedBy": "123456789012", "creationDate": "2026-12-03T15:10:00Z",
                    "lastModifiedDate": .string(lastModified), "customerVersion": .integer(Int64(version)),
                    "autoRegistrationStatus": "DISABLE",
                ]
            ]
        ])
    }

    static let examples: [MitigationExample] = [
        MitigationExample(
            "a CA ten days before its notAfter: INACTIVE, lastModifiedDate the task time, customerVersion + 1",
            before: [
                "manifest.json": #"""
                {"accountId": "123456789012", "region": "us-east-1", "exportedAt": "2036-11-20T15:07:36Z", "unavailable": []}
                """#,
                "ca-certificates.json": caCertificates(
                    status: "ACTIVE", lastModified: "2026-12-03T15:10:00Z", version: 1),
            ],
            params: #"{"action": "DEACTIVATE"}"#,
            check: .caCertificateExpiring,
            finding: ExpectedFinding("CERTIFICATE_APPROACHING_EXPIRATION", .caCertificateId(caId)),
            outcome: .completed(
                after: [
                    "ca-certificates.json": caCertificates(
                        status: "INACTIVE", lastModified: MitigationExample.taskTime.iso8601, version: 2)
                ],
                reaudit: .findingGone))
    ]
}
