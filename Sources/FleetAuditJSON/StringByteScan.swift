/// The inner loop of every JSON string scan: eight bytes at a time past the bytes that
/// need no attention, shared by the validating scanner and the projection so that the
/// two agree on where a string's next special byte is.
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
}
