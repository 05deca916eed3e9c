import SwiftASN1

/// One DER TLV located in a buffer: where its header starts, where its contents
/// start and where it ends.
struct DERField {
    var identifier: ASN1Identifier
    var isConstructed: Bool
    var start: Int
    var contentStart: Int
    var end: Int

    var contentCount: Int { end - contentStart }
    var range: Range<Int> { start..<end }
    var contentRange: Range<Int> { contentStart..<end }
}

/// Reads the TLVs of one level of a DER buffer in order, checking each header
/// exactly as swift-asn1's `DER.parse` does (identifier, minimal definite
/// length, contents inside the parent), without building nodes.
///
/// Why: `DER.parse` builds a node for every TLV of a certificate (names,
/// extensions, the signature), each holding two retained slices, and the audit
/// decodes one certificate per device. Profiles of a 200,000-device fleet put that
/// node list, and walking it, at about 15% of the audit's CPU (docs/benchmarks.md,
/// "Certificate decoding"). This walk finds the fields the certificate checks
/// read by offset; swift-asn1 still decodes every leaf it reads (times, the
/// public key, algorithm identifiers, the extensions' values), on slices of a
/// few dozen bytes, and `DERWalk.validate` checks every TLV the checks skip, so
/// the same bytes are accepted and refused.
struct DERWalk {
    /// swift-asn1's `ParseResult._maximumNodeDepth`.
    static let maximumDepth = 50

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    let end: Int
    /// The depth of the fields this walk reads (the outermost TLV is at depth 1).
    let depth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, depth: Int) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
    }

    /// The fields inside a constructed field.
    func children(of field: DERField) throws -> DERWalk {
        guard field.isConstructed else {
            throw ASN1Error.invalidASN1Object(reason: "a primitive field where a constructed one is required")
        }
        return DERWalk(bytes, range: field.contentRange, depth: depth + 1)
    }

    var isAtEnd: Bool { position >= end }

    /// The next field, nil at the end of this level.
    mutating func next() throws -> DERField? {
        guard position < end else { return nil }
        guard depth <= Self.maximumDepth else {
            throw ASN1Error.invalidASN1Object(reason: "Excessive stack depth was reached")
        }
        let start = position
        var cursor = position
        let first = bytes[cursor]
        cursor += 1
        let tagClass: ASN1Identifier.TagClass
        switch first >> 6 {
        case 0: tagClass = .universal
        case 1: tagClass = .application
        case 2: tagClass = .contextSpecific
        default: tagClass = .private
        }
        var tagNumber = UInt(first & 0x1F)
        if tagNumber == 0x1F {
            // Long form: base-128, no leading 0x80, at most what a UInt holds, and >= 31.
            guard cursor < end, bytes[cursor] != 0x80 else {
                throw ASN1Error.invalidASN1Object(reason: "Invalid encoding for a long-form tag")
            }
            tagNumber = 0
            var count = 0
            while true {
                guard cursor < end else { throw ASN1Error.truncatedASN1Field() }
                let byte = bytes[cursor]
                cursor += 1
                count += 1
                guard count <= 9 else { throw ASN1Error.invalidASN1Object(reason: "Unable to store a tag number") }
                tagNumber = tagNumber << 7 | UInt(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
            guard tagNumber >= 0x1F else {
                throw ASN1Error.invalidASN1Object(reason: "ASN.1 tag incorrectly encoded in long form: \(tagNumber)")
            }
        }
        guard cursor < end else { throw ASN1Error.truncatedASN1Field() }
        let lengthByte = bytes[cursor]
        cursor += 1
        var length: Int
        if lengthByte == 0x80 {
            throw ASN1Error.unsupportedFieldLength(reason: "Indefinite form of field length not supported in DER.")
        } else if lengthByte & 0x80 != 0 {
            let lengthCount = Int(lengthByte & 0x7F)
            // More than four length bytes would describe more than this buffer holds.
            guard lengthCount <= 4, end - cursor >= lengthCount else { throw ASN1Error.truncatedASN1Field() }
            length = 0
            for _ in 0..<lengthCount {
                length = length << 8 | Int(bytes[cursor])
                cursor += 1
            }
            let requiredBytes = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
            guard length >= 0x80, lengthCount == requiredBytes else {
                throw ASN1Error.unsupportedFieldLength(reason: "Field length not encoded in the fewest bytes")
            }
        } else {
            length = Int(lengthByte)
        }
        guard !(tagClass == .universal && tagNumber == 0) else {
            throw ASN1Error.invalidASN1Object(reason: "Unexpected end-of-contents octets or [UNIVERSAL 0] tag")
        }
        guard length <= end - cursor else { throw ASN1Error.truncatedASN1Field() }
        position = cursor + length
        return DERField(
            identifier: ASN1Identifier(tagWithNumber: tagNumber, tagClass: tagClass), isConstructed: first & 0x20 != 0,
            start: start, contentStart: cursor, end: position)
    }

    /// The next field, which must exist.
    mutating func required(_ what: @autoclosure () -> String) throws -> DERField {
        guard let field = try next() else { throw X509Problem("\(what()) is missing") }
        return field
    }

    /// The next field, which must exist and be constructed with `identifier`.
    mutating func constructed(_ identifier: ASN1Identifier, _ what: @autoclosure () -> String) throws -> DERField {
        let field = try required(what())
        guard field.identifier == identifier, field.isConstructed else {
            throw ASN1Error.unexpectedFieldType(field.identifier)
        }
        return field
    }

    /// Fails unless this level has no more fields (`DER.sequence`'s "Unconsumed sequence nodes").
    mutating func finish() throws {
        guard position >= end else { throw ASN1Error.invalidASN1Object(reason: "Unconsumed sequence nodes") }
    }

    /// Every TLV of `field` checked, as `DER.parse` checks the fields nobody reads.
    func validate(_ field: DERField) throws {
        guard field.isConstructed else { return }
        var inner = try children(of: field)
        while let child = try inner.next() { try inner.validate(child) }
    }

    /// A field's contents.
    func content(_ field: DERField) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[field.contentRange])
    }

    /// A field that must be `identifier`, primitively encoded (`typeName` as swift-asn1's message says it).
    static func requirePrimitive(_ field: DERField, _ identifier: ASN1Identifier, _ typeName: String) throws {
        guard field.identifier == identifier else { throw ASN1Error.unexpectedFieldType(field.identifier) }
        guard !field.isConstructed else {
            throw ASN1Error.invalidASN1Object(reason: "\(typeName) encoded with constructed encoding")
        }
    }

    /// An `OBJECT IDENTIFIER`'s contents, checked as swift-asn1's `ASN1ObjectIdentifier` checks them.
    func objectIdentifier(_ field: DERField) throws -> Range<Int> {
        try Self.requirePrimitive(field, .objectIdentifier, "ASN1ObjectIdentifier")
        guard field.contentCount > 0 else {
            throw ASN1Error.invalidASN1Object(reason: "Zero components in OID")
        }
        var subidentifierStart = true
        var subidentifierCount = 0
        for byte in content(field) {
            guard !(subidentifierStart && byte == 0x80) else {
                throw ASN1Error.invalidASN1Object(reason: "OID subidentifier encoded with leading 0 byte")
            }
            subidentifierCount += 1
            guard subidentifierCount <= 9 else {
                throw ASN1Error.invalidASN1Object(reason: "Unable to store OID subidentifier")
            }
            subidentifierStart = byte & 0x80 == 0
            if subidentifierStart { subidentifierCount = 0 }
        }
        guard subidentifierStart else {
            throw ASN1Error.invalidASN1Object(reason: "Invalid encoding for OID subidentifier")
        }
        return field.contentRange
    }

    /// A non-negative `INTEGER`'s big-endian magnitude (without the sign byte),
    /// checked as swift-asn1 decodes it into `ArraySlice<UInt8>`.
    func unsignedInteger(_ field: DERField) throws -> Range<Int> {
        try Self.requirePrimitive(field, .integer, "INTEGER")
        guard field.contentCount > 0 else {
            throw ASN1Error.invalidASN1IntegerEncoding(reason: "INTEGER encoded with zero bytes")
        }
        let first = bytes[field.contentStart]
        if field.contentCount > 1 {
            let second = bytes[field.contentStart + 1]
            guard !(first == 0xFF && second & 0x80 != 0), !(first == 0x00 && second & 0x80 == 0) else {
                throw ASN1Error.invalidASN1IntegerEncoding(reason: "INTEGER not encoded in fewest number of octets")
            }
        }
        if first == 0x00 { return field.contentStart + 1..<field.end }
        guard first & 0x80 == 0 else {
            throw ASN1Error.invalidASN1IntegerEncoding(reason: "INTEGER encoded with top bit set!")
        }
        return field.contentRange
    }
}
