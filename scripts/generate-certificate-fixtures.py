#!/usr/bin/env python3
"""Generate Sources/FleetAuditChecks/Certificates/CertificateFixtures.swift.

The certificate checks' examples (which are their tests) need real X.509 material: CA and
device certificates of every key type, weak keys (a ROCA-structured RSA key with real primes,
an RSA key listed in a small Debian-format blacklist made here), CRLs with good and bad
signatures, and broken inputs (a PEM that is not a certificate, a truncated DER). This script
builds them with ``cryptography`` and writes them as Swift string constants. Keys, serial
numbers and signatures come from a generator seeded with SEED, so every run writes the same
file (scripts/tests/test_generators.py checks that the committed file is what it writes).
Private keys are discarded when the script ends.

Usage: python3 scripts/generate-certificate-fixtures.py [OUTPUT_FILE]
"""

import base64
import random
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

import pki
from pki import utc

ORG = "FleetAudit Fixtures"
ROOT_CRL_URL = "http://crl.fleetaudit.example/fixture-root.crl"
INTERMEDIATE_CRL_URL = "http://crl.fleetaudit.example/fixture-intermediate.crl"
OTHER_CRL_URL = "http://crl.fleetaudit.example/fixture-other.crl"
DSA_CRL_URL = "http://crl.fleetaudit.example/fixture-dsa.crl"
DEVICE_FROM, DEVICE_TO = utc(2026, 1, 1), utc(2027, 1, 1)
SEED = 20261201


def swift_string(text, indent=8):
    """A multi-line Swift string literal, its lines indented as swift-format indents them
    (`indent` spaces: 8 for a static constant, 12 for an argument of a call in one)."""
    lines = text.rstrip("\n").split("\n")
    margin = " " * indent
    return '"""\n' + "\n".join(margin + line for line in lines) + "\n" + margin + '"""'


def main(argv):
    default = (Path(__file__).resolve().parent.parent / "Sources" / "FleetAuditChecks" / "Certificates"
               / "CertificateFixtures.swift")
    out = Path(argv[1]) if len(argv) > 1 else default
    rng = random.Random(SEED)

    def ca(common_name, key_type, issuer=None, issuer_key=None, crl_url=None):
        key = pki.new_key(key_type, rng)
        subject = pki.name(common_name, ORG)
        certificate = pki.certificate(
            subject, key.public_key(), issuer.subject if issuer else subject, issuer_key or key,
            pki.serial_bytes(8, rng), utc(2020, 1, 1), utc(2040, 1, 1), rng, ca=True,
            issuer_certificate=issuer, crl_url=crl_url)
        if issuer is None:
            # Self-signed: the AKI names the certificate's own key.
            certificate = pki.certificate(
                subject, key.public_key(), subject, key, certificate.serial_number, utc(2020, 1, 1),
                utc(2040, 1, 1), rng, ca=True, issuer_certificate=certificate)
        return key, certificate

    root_key, root = ca("Fixture Root CA", "EC-P256")
    other_key, other = ca("Fixture Other CA", "EC-P256")
    dsa_key, dsa_ca = ca("Fixture DSA CA", "DSA-2048")
    intermediate_key, intermediate = ca("Fixture Intermediate CA", "EC-P256", root, root_key, ROOT_CRL_URL)

    fixtures = {"rootCA": (root, "EC P-256"), "otherCA": (other, "EC P-256"), "dsaCA": (dsa_ca, "DSA-2048"),
                "intermediateCA": (intermediate, "EC P-256")}
    keys = {}

    def device(label, key_type, issuer=root, issuer_key=root_key, not_before=DEVICE_FROM,
               not_after=DEVICE_TO, crl_url=ROOT_CRL_URL, description=None):
        key = pki.new_key(key_type, rng)
        keys[label] = key
        certificate = pki.certificate(
            pki.name(f"fixture-{label}", ORG), key.public_key(), issuer.subject, issuer_key,
            pki.serial_bytes(16, rng), not_before, not_after, rng, issuer_certificate=issuer, crl_url=crl_url)
        fixtures[label] = (certificate, description or key_type.replace("-", " ", 1).replace("EC ", "EC "))

    device("rsa2048", "RSA-2048", description="RSA-2048")
    device("rsa3072", "RSA-3072", description="RSA-3072")
    device("rsa4096", "RSA-4096", description="RSA-4096")
    device("rsa1024", "RSA-1024", description="RSA-1024")
    device("ecP256", "EC-P256", description="EC P-256")
    device("ecP384", "EC-P384", description="EC P-384")
    device("ecP521", "EC-P521", description="EC P-521")
    device("ecSecp256k1", "EC-secp256k1", description="EC secp256k1")
    device("dsa2048", "DSA-2048", description="DSA-2048")
    device("ed25519", "Ed25519", description="Ed25519")
    device("ed448", "Ed448", description="Ed448")
    device("x25519", "X25519", description="unsupported key algorithm 1.3.101.110 (X25519)")
    device("roca2048", "ROCA-RSA-2048", description="RSA-2048")
    device("expiring", "EC-P256", not_before=utc(2026, 6, 10), not_after=utc(2026, 12, 10),
           description="EC P-256")
    device("expired", "EC-P256", not_before=utc(2025, 11, 1), not_after=utc(2026, 11, 1),
           description="EC P-256")
    device("revoked", "EC-P256", description="EC P-256")
    device("viaIntermediate", "EC-P256", issuer=intermediate, issuer_key=intermediate_key,
           crl_url=INTERMEDIATE_CRL_URL, description="EC P-256")
    device("noCRL", "EC-P256", crl_url=None, description="EC P-256")
    device("otherIssued", "EC-P256", issuer=other, issuer_key=other_key, crl_url=OTHER_CRL_URL,
           description="EC P-256")
    device("dsaIssued", "EC-P256", issuer=dsa_ca, issuer_key=dsa_key, crl_url=DSA_CRL_URL,
           description="EC P-256")

    assert pki.has_roca_fingerprint(keys["roca2048"].public_key().public_numbers().n)
    for label in ("rsa2048", "rsa3072", "rsa4096", "rsa1024"):
        assert not pki.has_roca_fingerprint(keys[label].public_key().public_numbers().n)

    revoked_at = utc(2026, 11, 20)
    root_crl = pki.revocation_list(root, root_key, [
        (fixtures["revoked"][0].serial_number, revoked_at),
        (intermediate.serial_number, revoked_at),
    ], utc(2026, 11, 20), utc(2026, 12, 20), rng)
    intermediate_crl = pki.revocation_list(intermediate, intermediate_key, [], utc(2026, 11, 20),
                                           utc(2026, 12, 20), rng)
    other_crl = pki.revocation_list(other, other_key, [], utc(2026, 11, 20), utc(2026, 12, 20), rng)
    dsa_crl = pki.revocation_list(dsa_ca, dsa_key, [(fixtures["dsaIssued"][0].serial_number, revoked_at)],
                                  utc(2026, 11, 20), utc(2026, 12, 20), rng)
    # The same list with one bit of its signature flipped.
    tampered = bytearray(pki.der(root_crl))
    tampered[-1] ^= 0x01
    assert x509.load_der_x509_crl(bytes(tampered)).is_signature_valid(root.public_key()) is False

    def pem_of(kind, data):
        encoded = base64.encodebytes(data).decode("ascii").replace("\n", "")
        lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
        return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----\n"

    rsa1024_line = pki.debian_blacklist_line(keys["rsa1024"].public_key())
    # A small blacklist in the openssl-blacklist format: made from keys generated here, with
    # the RSA-1024 fixture's entry among unrelated ones.
    others_1024 = [pki.debian_blacklist_line(pki.new_key("RSA-1024", rng).public_key()) for _ in range(3)]
    others_2048 = [pki.debian_blacklist_line(pki.new_key("RSA-2048", rng).public_key()) for _ in range(2)]
    blacklist_1024 = "# Debian openssl-blacklist format, made by generate-certificate-fixtures.py\n" + "\n".join(
        sorted(others_1024 + [rsa1024_line])) + "\n"
    blacklist_2048 = "\n".join(sorted(others_2048)) + "\n"

    lines = [
        "// Generated by scripts/generate-certificate-fixtures.py; do not edit. Regenerate the whole file.",
        "",
        "/// Real X.509 material for the certificate checks' examples and tests: every key type,",
        "/// a ROCA-structured RSA key, a key listed in `debianBlacklistRSA1024`, CRLs, broken inputs.",
        "/// Device certificates are valid 2026-01-01 to 2027-01-01 unless their name says otherwise",
        "/// (`expiring` ends 2026-12-10, `expired` ended 2026-11-01) and name a CRL distribution point",
        "/// (except `noCRL`). The root CRL revokes `revoked` and `intermediateCA`.",
        "package enum CertificateFixtures {",
    ]
    for label, (certificate, key_description) in fixtures.items():
        lines += [
            f"    package static let {label} = CertificateFixture(",
            f"        id: \"{pki.certificate_id(certificate)}\",",
            f"        serialHex: \"{certificate.serial_number:x}\",",
            f"        notBefore: \"{certificate.not_valid_before_utc.strftime('%Y-%m-%dT%H:%M:%SZ')}\",",
            f"        notAfter: \"{certificate.not_valid_after_utc.strftime('%Y-%m-%dT%H:%M:%SZ')}\",",
            f"        keyDescription: \"{key_description}\",",
            f"        pem: {swift_string(pki.pem(certificate), indent=12)})",
            "",
        ]
    truncated = pki.der(fixtures["rsa2048"][0])
    lines += [
        "    /// The root CA's CRL (PEM): revokes `revoked` and `intermediateCA`.",
        f"    package static let rootCRL = {swift_string(pki.pem(root_crl))}",
        "",
        "    /// `rootCRL` in DER, base64-encoded (examples are text; tests decode it).",
        "    package static let rootCRLDERBase64 =",
        f"        \"{base64.b64encode(pki.der(root_crl)).decode()}\"",
        "",
        "    /// `rootCRL` with one bit of its signature flipped.",
        f"    package static let rootCRLBadSignature = {swift_string(pem_of('X509 CRL', bytes(tampered)))}",
        "",
        "    /// The intermediate CA's CRL: revokes nothing.",
        f"    package static let intermediateCRL = {swift_string(pki.pem(intermediate_crl))}",
        "",
        "    /// The other CA's CRL: revokes nothing.",
        f"    package static let otherCRL = {swift_string(pki.pem(other_crl))}",
        "",
        "    /// The DSA CA's CRL (dsa-with-SHA256, which swift-certificates cannot verify): revokes `dsaIssued`.",
        f"    package static let dsaCRL = {swift_string(pki.pem(dsa_crl))}",
        "",
        "    /// A PEM that is not a certificate: the public key of `rsa2048`.",
        "    package static let publicKeyPEM = " + swift_string(
            keys["rsa2048"].public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()),
        "",
        "    /// A CERTIFICATE block holding the first half of `rsa2048`'s DER.",
        "    package static let truncatedCertificatePEM = "
        + swift_string(pem_of("CERTIFICATE", truncated[: len(truncated) // 2])),
        "",
        "    /// `blacklist.RSA-1024` in the openssl-blacklist format; lists `rsa1024`.",
        f"    package static let debianBlacklistRSA1024 = {swift_string(blacklist_1024)}",
        "",
        "    /// `blacklist.RSA-2048`: lists none of the fixtures.",
        f"    package static let debianBlacklistRSA2048 = {swift_string(blacklist_2048)}",
        "",
        f"    /// The openssl-vulnkey fingerprint of `rsa1024`.",
        f"    package static let rsa1024BlacklistEntry = \"{rsa1024_line}\"",
        "}",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
