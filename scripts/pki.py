"""Small PKI helpers shared by the snapshot and fixture generators.

Builds real X.509 material with ``cryptography``: CA and device certificates of every key
type FleetAudit models (RSA, EC, DSA, Ed25519, Ed448) and some it does not (X25519),
certificate revocation lists, and the two kinds of weak key the key-quality checks find:

* ROCA keys (CVE-2017-15361): RSA keys whose primes have the structure of the Infineon
  library, p = k * M + (65537^a mod M) with M a primorial (Nemec et al., "The Return of
  Coppersmith's Attack", CCS 2017). The primes are real primes, so the key can sign.
* Debian weak-key blacklist entries (CVE-2008-0166) in the openssl-blacklist format: the
  last 20 hex digits of SHA-1("Modulus=<MODULUS IN UPPERCASE HEX>\\n").

No private key is ever written to disk by these helpers.
"""

import datetime as dt
import hashlib
import math
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


# --- keys ---------------------------------------------------------------------------------

def first_primes(count):
    primes = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes if p * p <= candidate):
            primes.append(candidate)
        candidate += 1
    return primes


def is_probable_prime(n, rounds=40, rng=None, trial_primes=60):
    """Miller-Rabin after trial division. Witnesses come from `rng` (a seeded
    random.Random, for reproducible output) or, without one, from `secrets`."""
    if n < 2:
        return False
    for p in first_primes(trial_primes):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = 2 + (rng.randrange(n - 3) if rng is not None else secrets.randbelow(n - 3))
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


# Number of primes in the primorial M for each key size, from the paper (Table 1).
ROCA_PRIMORIAL_SIZE = {512: 39, 1024: 71, 2048: 126, 3072: 126, 4096: 225}


def roca_prime(bits, primorial):
    """A prime p = k * M + (65537^a mod M) of exactly `bits` bits."""
    m_bits = primorial.bit_length()
    while True:
        a = secrets.randbelow(primorial)
        k = secrets.randbits(bits - m_bits) | (1 << (bits - m_bits - 1))
        p = k * primorial + pow(65537, a, primorial)
        if p.bit_length() == bits and is_probable_prime(p):
            return p


def roca_rsa_key(bits=2048):
    """An RSA private key whose primes have the ROCA (Infineon) structure."""
    primorial = math.prod(first_primes(ROCA_PRIMORIAL_SIZE[bits]))
    e = 65537
    while True:
        p = roca_prime(bits // 2, primorial)
        q = roca_prime(bits // 2, primorial)
        n = p * q
        phi = (p - 1) * (q - 1)
        if p != q and n.bit_length() == bits and math.gcd(e, phi) == 1:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p=p, q=q, d=d, dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q), public_numbers=rsa.RSAPublicNumbers(e, n))
    return numbers.private_key()


ROCA_TEST_PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73,
                    79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157,
                    163, 167)


def has_roca_fingerprint(n):
    """The published detector's test, for checking what the generators build."""
    for r in ROCA_TEST_PRIMES:
        subgroup = {pow(65537, k, r) for k in range(r)}
        if n % r not in subgroup:
            return False
    return True


def debian_blacklist_line(public_key):
    """The openssl-blacklist entry of an RSA key (what openssl-vulnkey looks up)."""
    modulus = public_key.public_numbers().n
    return hashlib.sha1(("Modulus=%X\n" % modulus).encode("ascii")).hexdigest()[20:]


def new_key(key_type):
    """A private key (or, for X25519, a key pair that cannot sign) of the named type."""
    if key_type.startswith("RSA-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[4:]))
    if key_type == "ROCA-RSA-2048":
        return roca_rsa_key(2048)
    curves = {"EC-P256": ec.SECP256R1(), "EC-P384": ec.SECP384R1(), "EC-P521": ec.SECP521R1(),
              "EC-secp256k1": ec.SECP256K1()}
    if key_type in curves:
        return ec.generate_private_key(curves[key_type])
    if key_type.startswith("DSA-"):
        return dsa.generate_private_key(key_size=int(key_type[4:]))
    if key_type == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "Ed448":
        return ed448.Ed448PrivateKey.generate()
    if key_type == "X25519":
        return x25519.X25519PrivateKey.generate()
    raise ValueError(key_type)


def signature_hash(key):
    """The hash a key signs with (None for EdDSA)."""
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size > 256:
        return hashes.SHA384()
    return hashes.SHA256()


# --- certificates and CRLs ---------------------------------------------------------------

def name(common_name, organization):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def certificate(subject, public_key, issuer_name, issuer_key, serial, not_before, not_after,
                ca=False, issuer_certificate=None, crl_url=None):
    """An X.509 v3 certificate signed by `issuer_key` (self-signed when it is the subject's key)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    can_sign = not isinstance(public_key, x25519.X25519PublicKey)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=can_sign and not ca, content_commitment=False,
        key_encipherment=isinstance(public_key, rsa.RSAPublicKey) and not ca,
        data_encipherment=False, key_agreement=not can_sign, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False), critical=True)
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    if issuer_certificate is not None:
        issuer_ski = issuer_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski.value),
            critical=False)
    if crl_url is not None:
        builder = builder.add_extension(x509.CRLDistributionPoints([
            x509.DistributionPoint(full_name=[x509.UniformResourceIdentifier(crl_url)],
                                   relative_name=None, reasons=None, crl_issuer=None)]),
            critical=False)
    return builder.sign(issuer_key, signature_hash(issuer_key))


def revocation_list(issuer_certificate, issuer_key, revoked, this_update, next_update, number=1):
    """A v2 CRL of `issuer_certificate` listing (serial, revocation date) pairs."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            issuer_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value),
            critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(issuer_key, signature_hash(issuer_key))


def der(value):
    return value.public_bytes(serialization.Encoding.DER)


def pem(value):
    return value.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_id(certificate_value):
    """AWS IoT's certificate id: the SHA-256 of the DER encoding, lowercase hex."""
    return hashlib.sha256(der(certificate_value)).hexdigest()


def serial_bytes(count):
    """A positive serial number of exactly `count` bytes (short enough for issuerCertificateSerialNumber)."""
    return secrets.randbits(8 * count - 1) | (1 << (8 * count - 2))
