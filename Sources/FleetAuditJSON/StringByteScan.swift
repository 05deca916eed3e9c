/// The inner loops of the scanners: eight bytes at a time past the bytes that need no
/// attention (a string's ordinary bytes, an indentation's spaces), shared by the boundary
/// scan, the validating scanner and the projection so that they agree on where the next
/// byte that matters is.
enum StringByteScan {
    private static let quotes: UInt64 = 0x2222_2222_2222_2222
    private static let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C
    private static let controls: UInt64 = 0x2020_2020_2020_2020
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first quote or backslash at or after `index` (with `strict`,
    /// also the first control or non-ASCII byte, which a validator must look at), or
    /// the first index from which fewer than eight bytes remain. The lowest flagged
    /// byte of each word is exact: borrows only propagate upwards from a true hit.
    @inline(__always)
    static func skipOrdinary(_ base: UnsafePointer<UInt8>, from index: Int, count: Int, strict: Bool) -> Int {
        var index = index
        while index + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let quote = word ^ quotes
            let backslash = word ^ backslashes
            var special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            if strict { special |= ((word &- controls) & ~word) | word }
            let flagged = special & highs
            if flagged != 0 { return index + flagged.trailingZeroBitCount >> 3 }
            index += 8
        }
        return index
    }

    private static let spaces: UInt64 = 0x2020_2020_2020_2020

    /// The index of the first byte at or after `index` that is not a space, eight at a
    /// time while eight spaces follow (the indentation of pretty-printed JSON), then one
    /// at a time.
    @inline(__always)
    static func skipSpaces(_ base: UnsafePointer<UInt8>, from index: Int, count: Int) -> Int {
        var index = index
        while index + 8 <= count,
            UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) == spaces
        {
            index += 8
        }
        while index < count && base[index] == 0x20 { index += 1 }
        return index
    }
}
