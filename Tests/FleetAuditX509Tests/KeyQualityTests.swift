import BigInt
import Crypto
import FleetAuditChecks
import FleetAuditTestSupport
import Testing
import _CryptoExtras

@testable import FleetAuditX509

/// The two weak-key tests on keys the tests build themselves.
@Suite struct KeyQualityTests {
    /// The first `count` primes.
    static func primes(_ count: Int) -> [Int] {
        var found: [Int] = []
        var candidate = 2
        while found.count < count {
            if found.allSatisfy({ candidate % $0 != 0 }) { found.append(candidate) }
            candidate += 1
        }
        return found
    }

    /// p = k·M + (65537^a mod M), the structure of the Infineon library's primes.
    static func rocaStructured(bits: Int, primorial: BigUInt) -> BigUInt {
        let a = BigUInt.randomInteger(lessThan: primorial)
        let kBits = bits - primorial.bitWidth
        let k = BigUInt.randomInteger(withExactWidth: kBits)
        return k * primorial + BigUInt(65537).power(a, modulus: primorial)
    }

    static func bytes(_ value: BigUInt) -> [UInt8] { Array(value.serialize()) }

    @Test(arguments: [(512, 39), (1024, 71), (2048, 126)])
    func aConstructedROCAModulusHasTheFingerprint(bits: Int, primorialSize: Int) {
        let primorial = Self.primes(primorialSize).reduce(BigUInt(1)) { $0 * BigUInt($1) }
        let n =
            Self.rocaStructured(bits: bits / 2, primorial: primorial)
            * Self.rocaStructured(bits: bits / 2, primorial: primorial)
        #expect(ROCAFingerprint.matches(modulus: Self.bytes(n)))
    }

    @Test func aModulusOffTheSubgroupForOnePrimeIsNotROCA() {
        // Primes of the ROCA form for every tested prime but 167: N mod 167 leaves the subgroup.
        let primorial = Self.primes(126).reduce(BigUInt(1)) { $0 * BigUInt($1) }
        var n =
            Self.rocaStructured(bits: 1024, primorial: primorial)
            * Self.rocaStructured(bits: 1024, primorial: primorial)
        // Adding a multiple of the other 37 primes keeps their residues and moves N mod 167.
        let others = ROCAFingerprint.primes.dropLast().reduce(BigUInt(1)) { $0 * BigUInt($1) }
        // 65537 ≡ 75 (mod 167) generates a proper subgroup, so some shift leaves it.
        var shifted = false
        for shift in 1..<167 {
            let candidate = n + others * BigUInt(shift)
            if !ROCAFingerprint.matches(modulus: Self.bytes(candidate)) {
                n = candidate
                shifted = true
                break
            }
        }
        #expect(shifted)
        #expect(!ROCAFingerprint.matches(modulus: Self.bytes(n)))
    }

    @Test func normalRSAKeysDoNotHaveTheFingerprint() throws {
        for size in [_RSA.Signing.KeySize.bits2048, .bits3072] {
            let key = try _RSA.Signing.PrivateKey(keySize: size)
            let info = try PublicKeyInfo(subjectPublicKeyInfo: ArraySlice(key.publicKey.derRepresentation))
            let modulus = try #require(info.rsaModulus)
            #expect(!ROCAFingerprint.matches(modulus: modulus))
        }
        for _ in 0..<200 {
            var random = (0..<256).map { _ in UInt8.random(in: 0...255) }
            random[0] |= 0x80
            random[255] |= 1
            #expect(!ROCAFingerprint.matches(modulus: random))
        }
    }

    /// The detector reads a modulus four bytes at a time modulo products of its
    /// primes; every residue must equal the one taken a byte at a time, whatever
    /// the length (the leading `count % 4` bytes go one by one).
    @Test func residuesByPrimeProductEqualResiduesByteByByte() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 127, 128, 129, 255, 256, 257, 384, 513] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                for (product, members) in ROCAFingerprint.primeProducts {
                    let grouped = bytes.withUnsafeBufferPointer { ROCAFingerprint.residue($0, modulo: product) }
                    for prime in ROCAFingerprint.primes[members] {
                        let byteByByte = bytes.reduce(0) { ($0 << 8 | Int($1)) % prime }
                        #expect(Int(grouped % UInt64(prime)) == byteByByte, "length \(length), prime \(prime)")
                    }
                }
            }
        }
        // Every prime is in exactly one product, each product below 2^32.
        #expect(ROCAFingerprint.primeProducts.flatMap { Array($0.members) } == Array(ROCAFingerprint.primes.indices))
        #expect(ROCAFingerprint.primeProducts.allSatisfy { $0.product < 1 << 32 })
    }

    @Test func aBlacklistMadeFromGeneratedKeys() throws {
        let listed = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        func modulus(_ key: _RSA.Signing.PrivateKey) throws -> [UInt8] {
            try #require(
                try PublicKeyInfo(subjectPublicKeyInfo: ArraySlice(key.publicKey.derRepresentation)).rsaModulus)
        }
        // The openssl-vulnkey fingerprint, computed here independently.
        let listedModulus = try modulus(listed)
        let line = "Modulus=" + Hex.encode(listedModulus).uppercased() + "\n"
        let expected = String(Hex.encode(Insecure.SHA1.hash(data: Array(line.utf8))).suffix(20))
        #expect(WeakKeyBlacklist.fingerprint(modulus: listedModulus) == expected)

        let directory = TemporaryDirectory()
        directory.write("blacklist.RSA-2048", "# generated\n\n\(expected)\n00000000000000000000\n")
        directory.write("README", "not a list")
        let blacklist = try WeakKeyBlacklist.load(directory: directory.path)
        #expect(blacklist.keySizes == [2048])
        #expect(blacklist.contains(modulus: listedModulus, bits: 2048) == true)
        #expect(blacklist.contains(modulus: try modulus(other), bits: 2048) == false)
        #expect(blacklist.contains(modulus: listedModulus, bits: 4096) == nil)
    }

    /// `KeyQuality.assess`, the rule both key-quality checks call: RSA keys only, one weakness per test.
    @Test func theRuleTestsRSAKeysAndNamesEachWeakness() throws {
        let primorial = Self.primes(71).reduce(BigUInt(1)) { $0 * BigUInt($1) }
        let roca = Self.bytes(
            Self.rocaStructured(bits: 512, primorial: primorial) * Self.rocaStructured(bits: 512, primorial: primorial))
        var sound = (0..<128).map { _ in UInt8.random(in: 0...255) }
        sound[0] |= 0x80
        sound[127] |= 1
        let directory = TemporaryDirectory()
        directory.write("blacklist.RSA-1024", WeakKeyBlacklist.fingerprint(modulus: roca) + "\n")
        let blacklist = try WeakKeyBlacklist.load(directory: directory.path)
        let rocaKey = PublicKeyInfo(kind: .rsa(modulus: roca, exponent: [1, 0, 1]), bits: 1024)
        let soundKey = PublicKeyInfo(kind: .rsa(modulus: sound, exponent: [1, 0, 1]), bits: 1024)

        #expect(KeyQuality.assess(rocaKey, blacklist: nil) == .weaknesses([.roca]))
        #expect(KeyQuality.assess(rocaKey, blacklist: blacklist) == .weaknesses([.roca, .debianWeakKey]))
        #expect(KeyQuality.assess(soundKey, blacklist: blacklist) == .weaknesses([]))
        // The list of another size is not consulted.
        let other = PublicKeyInfo(kind: .rsa(modulus: roca, exponent: [1, 0, 1]), bits: 2048)
        #expect(KeyQuality.assess(other, blacklist: blacklist) == .weaknesses([.roca]))
        for kind in [PublicKeyInfo.Kind.ec(curve: "P-256"), .dsa(bits: 1024), .ed25519, .ed448] {
            #expect(KeyQuality.assess(PublicKeyInfo(kind: kind, bits: 256), blacklist: blacklist) == .weaknesses([]))
        }
        let x25519 = PublicKeyInfo(kind: .unsupported(algorithm: "1.3.101.110 (X25519)"), bits: 0)
        #expect(KeyQuality.assess(x25519, blacklist: blacklist) == .untestable)
        #expect(
            KeyQuality.Weakness.debianWeakKey.explanation(of: rocaKey)
                == "The RSA-1024 key is in the Debian weak-key blacklist (CVE-2008-0166, blacklist.RSA-1024): it was "
                + "generated by Debian's predictable OpenSSL random number generator.")
    }

    @Test func aFolderWithoutLists() {
        let directory = TemporaryDirectory()
        #expect(
            throws: X509Problem(
                "\(directory.path): no blacklist.RSA-<bits> file (openssl-blacklist format) in the directory")
        ) {
            try WeakKeyBlacklist.load(directory: directory.path)
        }
    }

    @Test func aListWithoutItsKeySizeInTheName() {
        let directory = TemporaryDirectory()
        directory.write("blacklist.RSA-big", "")
        #expect(
            throws: X509Problem(
                "\(directory.path)/blacklist.RSA-big: the name must end with the key size in bits (blacklist.RSA-2048)")
        ) {
            try WeakKeyBlacklist.load(directory: directory.path)
        }
    }
}
