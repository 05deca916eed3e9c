import FleetAuditChecks
// The log-line reader of the connection checks (iot-logs/). Input: byte 0
// picks the shape (bit 0: a `filter-log-events` event wrapping the entry) and
// the window's end (bit 1: the largest epoch, else 2026-12-01); the rest is the line.
// It also holds the in-place reading of the line to the parsed one.
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let line = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let windowEnd: Int64 = data[0] & 2 == 0 ? 1_764_547_200_000 : Int64.max
    _ = ConnectionLogLines.read(line, wrapped: data[0] & 1 == 1, windowEnd: windowEnd)
    // The in-place reading of an entry, when there is one, must be the parse's.
    let readings = ConnectionLogLines.readings(line, windowEnd: windowEnd)
    if let inPlace = readings.inPlace, inPlace != readings.parsed {
        fatalError("in-place reading \(inPlace) differs from the parse's \(readings.parsed)")
    }
    return 0
}

@_cdecl("FuzzLogLine_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}
