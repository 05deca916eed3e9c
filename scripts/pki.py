"""Small PKI helpers shared by the snapshot and fixture generators.

Builds real X.509 material with ``cryptography``: CA and device certificates of every key
type FleetAudit models (RSA, EC, DSA, Ed25519, Ed448) and some it does not (X25519),
certificate revocation lists, and the two kinds of weak key the key-quality checks find:

* ROCA keys (CVE-2017-15361): RSA keys whose primes have the structure of the Infineon
  library, p = k * M + (65537^a mod M) with M a primorial (Nemec et al., "The Return of
  Coppersmith's Attack", CCS 2017). The primes are real primes, so the key can sign.
* Debian weak-key blacklist entries (CVE-2008-0166) in the openssl-blacklist format: the
  last 20 hex digits of SHA-1("Modulus=<MODULUS IN UPPERCASE HEX>\\n").

No private key is ever written to disk by these helpers. Every random choice (keys, serial
numbers, DSA signature nonces) comes from the `random.Random` the caller passes, so a generator
that seeds it writes the same bytes on every run. That randomness is not secret, which is right
for test fixtures and sample data and wrong for anything else.
"""

import datetime as dt
import functools
import hashlib
import math

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


# --- keys ---------------------------------------------------------------------------------

@functools.cache
def first_primes(count):
    """The first `count` primes, as a tuple (cached: every primality test starts with them)."""
    primes = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes if p * p <= candidate):
            primes.append(candidate)
        candidate += 1
    return tuple(primes)


def is_probable_prime(n, rng, rounds=40, trial_primes=60):
    """Miller-Rabin after trial division, with witnesses drawn from `rng`."""
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
        a = 2 + rng.randrange(n - 3)
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


def random_prime(bits, rng, **prime_test):
    """A prime of exactly `bits` bits with its top two bits set (so two of them make a modulus
    of 2 * `bits` bits)."""
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if is_probable_prime(candidate, rng, **prime_test):
            return candidate


def roca_prime(bits, primorial, rng, **prime_test):
    """A prime p = k * M + (65537^a mod M) of exactly `bits` bits."""
    m_bits = primorial.bit_length()
    while True:
        a = rng.randrange(primorial)
        k = rng.getrandbits(bits - m_bits) | (1 << (bits - m_bits - 1))
        p = k * primorial + pow(65537, a, primorial)
        if p.bit_length() == bits and is_probable_prime(p, rng, **prime_test):
            return p


def rsa_primes(bits, prime):
    """Two primes from `prime(bits // 2)` whose product has `bits` bits and suits e = 65537."""
    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        if p != q and (p * q).bit_length() == bits and math.gcd(65537, (p - 1) * (q - 1)) == 1:
            return p, q


def rsa_key(p, q):
    """The RSA private key (e = 65537) with primes `p` and `q`."""
    e, n = 65537, p * q
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p, q=q, d=d, dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q), public_numbers=rsa.RSAPublicNumbers(e, n))
    return numbers.private_key()


def roca_rsa_key(rng, bits=2048):
    """An RSA private key whose primes have the ROCA (Infineon) structure."""
    primorial = math.prod(first_primes(ROCA_PRIMORIAL_SIZE[bits]))
    return rsa_key(*rsa_primes(bits, lambda half: roca_prime(half, primorial, rng)))


def dsa_key(bits, rng):
    """A DSA private key with a 256-bit q and `bits`-bit p (FIPS 186-4's (L, N) = (2048, 256)),
    the domain parameters drawn from `rng` too."""
    q = random_prime(256, rng)
    while True:
        # p = 2kq + 1 of exactly `bits` bits.
        k = rng.getrandbits(bits - 257) | (1 << (bits - 258))
        p = 2 * k * q + 1
        # A long trial division first: most candidates have a small factor, and each
        # Miller-Rabin round on a 2048-bit number costs a modular exponentiation.
        if p.bit_length() == bits and is_probable_prime(p, rng, trial_primes=2000):
            break
    h = 2
    while (g := pow(h, (p - 1) // q, p)) == 1:
        h += 1
    x = 1 + rng.randrange(q - 1)
    parameters = dsa.DSAParameterNumbers(p, q, g)
    return dsa.DSAPrivateNumbers(x, dsa.DSAPublicNumbers(pow(g, x, p), parameters)).private_key()


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


EC_CURVES = {"EC-P256": ec.SECP256R1(), "EC-P384": ec.SECP384R1(), "EC-P521": ec.SECP521R1(),
             "EC-secp256k1": ec.SECP256K1()}


def new_key(key_type, rng):
    """A private key (or, for X25519, a key pair that cannot sign) of the named type, drawn from `rng`."""
    if key_type.startswith("RSA-"):
        bits = int(key_type[4:])
        return rsa_key(*rsa_primes(bits, lambda half: random_prime(half, rng)))
    if key_type == "ROCA-RSA-2048":
        return roca_rsa_key(rng, 2048)
    if key_type in EC_CURVES:
        curve = EC_CURVES[key_type]
        # Below 2^(size-1), so below the group order of each of these curves.
        return ec.derive_private_key(1 + rng.getrandbits(curve.key_size - 1), curve)
    if key_type.startswith("DSA-"):
        return dsa_key(int(key_type[4:]), rng)
    if key_type == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    if key_type == "Ed448":
        return ed448.Ed448PrivateKey.from_private_bytes(rng.randbytes(57))
    if key_type == "X25519":
        return x25519.X25519PrivateKey.from_private_bytes(rng.randbytes(32))
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


def certificate(subject, public_key, issuer_name, issuer_key, serial, not_before, not_after, rng,
                ca=False, issuer_certificate=None, crl_url=None):
    """An X.509 v3 certificate signed by `issuer_key` (self-signed when it is the subject's key);
    `rng` gives a DSA signature its nonce."""
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
    signed = sign(builder, issuer_key, rng)
    return x509.load_der_x509_certificate(signed) if isinstance(signed, bytes) else signed


def revocation_list(issuer_certificate, issuer_key, revoked, this_update, next_update, rng, number=1):
    """A v2 CRL of `issuer_certificate` listing (serial, revocation date) pairs; `rng` gives a
    DSA signature its nonce."""
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
    signed = sign(builder, issuer_key, rng)
    return x509.load_der_x509_crl(signed) if isinstance(signed, bytes) else signed


def sign(builder, key, rng):
    """The certificate or CRL of `builder` signed by `key`, with the same bytes on every run:
    RSA PKCS#1 v1.5 and EdDSA signatures are deterministic, ECDSA is signed as RFC 6979 says,
    and a DSA signature (whose nonce OpenSSL always draws itself) is recomputed with a nonce
    from `rng` and put in place of OpenSSL's (DER bytes returned)."""
    algorithm = signature_hash(key)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return builder.sign(key, algorithm, ecdsa_deterministic=True)
    signed = builder.sign(key, algorithm)
    if not isinstance(key, dsa.DSAPrivateKey):
        return signed
    tbs = signed.tbs_certificate_bytes if isinstance(signed, x509.Certificate) else signed.tbs_certlist_bytes
    outer = der(signed)
    header, _ = _der_header(outer, 0)
    tbs_header, tbs_length = _der_header(outer, header)
    algorithm_start = header + tbs_header + tbs_length
    algorithm_header, algorithm_length = _der_header(outer, algorithm_start)
    algorithm_identifier = outer[algorithm_start:algorithm_start + algorithm_header + algorithm_length]
    signature = _dsa_signature(key, tbs, rng)
    key.public_key().verify(signature, tbs, algorithm)
    return _der(0x30, tbs + algorithm_identifier + _der(0x03, b"\x00" + signature))


def _dsa_signature(key, message, rng):
    """A DSA signature (DER SEQUENCE of r and s) of SHA-256(`message`) with the nonce from `rng`."""
    numbers = key.private_numbers()
    p, q, g = (numbers.public_numbers.parameter_numbers.p, numbers.public_numbers.parameter_numbers.q,
               numbers.public_numbers.parameter_numbers.g)
    z = int.from_bytes(hashlib.sha256(message).digest(), "big") >> max(0, 256 - q.bit_length())
    while True:
        k = 1 + rng.randrange(q - 1)
        r = pow(g, k, p) % q
        s = pow(k, -1, q) * (z + numbers.x * r) % q
        if r and s:
            return _der(0x30, _der_integer(r) + _der_integer(s))


def _der_header(data, offset):
    """(header length, content length) of the DER element at `offset`."""
    first = data[offset + 1]
    if first < 0x80:
        return 2, first
    count = first & 0x7F
    return 2 + count, int.from_bytes(data[offset + 2:offset + 2 + count], "big")


def _der(tag, content):
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(encoded)]) + encoded + content


def _der_integer(value):
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def der(value):
    return value.public_bytes(serialization.Encoding.DER)


def pem(value):
    return value.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_id(certificate_value):
    """AWS IoT's certificate id: the SHA-256 of the DER encoding, lowercase hex."""
    return hashlib.sha256(der(certificate_value)).hexdigest()


def serial_bytes(count, rng):
    """A positive serial number of exactly `count` bytes (short enough for issuerCertificateSerialNumber)."""
    return rng.getrandbits(8 * count - 1) | (1 << (8 * count - 2))
