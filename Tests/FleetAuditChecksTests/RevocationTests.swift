import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

/// Revocation details the examples do not pin down: the finding's text and
/// related resources, CRLs in DER form.
@Suite struct RevocationTests {
    typealias Fixtures = CertificateFixtures

    @Test func aDERCRLIsReadLikeAPEMOne() throws {
        let snapshot = TemporarySnapshot([
            "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca()]),
            "certificates.json": CertificateFixture.file([Fixtures.revoked.device(), Fixtures.rsa2048.device()]),
        ])
        snapshot.directory.write(
            "crls/root.crl", bytes: Array(try #require(Data(base64Encoded: Fixtures.rootCRLDERBase64))))
        let check = try runCheck(snapshot, RevokedDeviceCertificateStillActiveCheck.self)
        #expect(check.details.message == nil)
        let finding = try #require(check.preview.first)
        #expect(check.preview.count == 1)
        #expect(finding.nonCompliantResource.resourceIdentifier == .deviceCertificateId(Fixtures.revoked.id))
        #expect(
            finding.reasonForNonCompliance
                == "Certificate is ACTIVE in AWS IoT but its issuer CN=Fixture Root CA,O=FleetAudit Fixtures revoked "
                + "it: serial \(Fixtures.revoked.serialHex) is in crls/root.crl.")
    }

    @Test func theRevokedIntermediateFindingListsTheAffectedCertificates() throws {
        let snapshot = TemporarySnapshot([
            "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca()]),
            "ca-chain/chain.pem": Fixtures.intermediateCA.pem + Fixtures.rootCA.pem,
            "crls/root.crl": Fixtures.rootCRL,
            "certificates.json": CertificateFixture.file([
                Fixtures.viaIntermediate.device(), Fixtures.rsa2048.device(),
                Fixtures.viaIntermediate.device(status: "PENDING_TRANSFER"),
            ]),
        ])
        let (outcome, output) = try runAudit(
            snapshot, checks: [IntermediateCARevokedForActiveDeviceCertificatesCheck.self])
        let check = try #require(outcome.checks.first)
        #expect(check.details.totalResourcesCount == 1)
        #expect(check.details.message == nil)
        let finding = try #require(check.preview.first)
        #expect(finding.nonCompliantResource.resourceType == .issuerCertificate)
        // As in AWS (ListRelatedResourcesForAuditFinding), the certificates are listed apart, one a line.
        #expect(finding.relatedResources.isEmpty)
        let line = RelatedResourceList.line(
            findingId: finding.findingId,
            resource: AuditResource(.deviceCertificate, .deviceCertificateArn(Fixtures.viaIntermediate.arn)))
        #expect(String(decoding: output.read(RelatedResourceList.fileName), as: UTF8.self) == line + line)
        #expect(
            line
                == #"{"findingId":""# + finding.findingId
                + #"","resourceType":"DEVICE_CERTIFICATE","resourceIdentifier":{"deviceCertificateArn":""#
                + Fixtures.viaIntermediate.arn + "\"}}\n")
        #expect(
            finding.reasonForNonCompliance
                == "Intermediate CA CN=Fixture Intermediate CA,O=FleetAudit Fixtures (serial "
                + "\(Fixtures.intermediateCA.serialHex), ca-chain/chain.pem (block 1)) was revoked by its issuer "
                + "CN=Fixture Root CA,O=FleetAudit Fixtures (crls/root.crl); 2 active device certificate(s) chain to it."
        )
    }

    @Test func aBrokenCertificateInTheChainFolderIsSkipped() throws {
        let snapshot = TemporarySnapshot([
            "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca()]),
            "ca-chain/broken.pem": Fixtures.truncatedCertificatePEM,
            "crls/root.crl": Fixtures.rootCRL,
            "certificates.json": CertificateFixture.file([Fixtures.revoked.device()]),
        ])
        let check = try runCheck(snapshot, RevokedDeviceCertificateStillActiveCheck.self)
        #expect(check.details.checkRunStatus == .completedNonCompliant)
        #expect(
            check.details.message
                == "1 input(s) skipped: ca-chain/broken.pem: not a valid DER certificate: truncated (a field runs past "
                + "the end of the data)")
        #expect(
            check.problems.map(\.description) == [
                "ca-chain/broken.pem: not a valid DER certificate: truncated (a field runs past the end of the data)"
            ])
    }
}
