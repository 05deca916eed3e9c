import FleetAuditJSON
// The stream reader over a file holding the input, then every element parsed
// in full and projected; the projection must agree with the full parse.
// Input: byte 0 picks the form (bit 0: object / lines) and the window size
// (16 << (bits 1-3)), so windows slide and grow inside elements; the rest is the file.
import FuzzDriver

#if canImport(Glibc)
    import Glibc
#endif

/// One file per process, rewritten for each input (the reader needs a path).
nonisolated(unsafe) private var scratchPath: String = {
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(directory)/fleet-audit-fuzz-\(getpid()).json"
}()

private let selections: [JSONMemberSelection] = [
    JSONMemberSelection(["policyName", "policyDocument", "a", "", "\u{0}", "é"]),
    JSONMemberSelection([String]()),
]

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FuzzJSONStream: \(message())") }
}

/// `parse(members:)` is `parse()` restricted to the selected members.
private func compare(_ element: RawElement) {
    let full = element.parse()
    for selection in selections {
        let projected = element.parse(members: selection)
        switch (full, projected) {
        case (.success(.object(let object)), .success(.object(let kept))):
            for name in selection.names { check(object[name] == kept[name], "member \(name) differs") }
            check(kept.members.count <= selection.names.count, "projection kept unselected members")
        case (.success(.object), .success(let other)):
            check(false, "object projected as \(other.typeName)")
        case (.success(let value), .success(let other)):
            check(value == other, "non-object value differs")
        case (.failure(let error), .failure(let other)):
            check(error == other, "errors differ: \(error) / \(other)")
        case (.success, .failure(let error)):
            check(false, "projection rejects a valid element: \(error)")
        case (.failure(let error), .success):
            check(false, "projection accepts an invalid element: \(error)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let form: JSONFileForm = data[0] & 1 == 0 ? .object : .lines
    let chunk = 16 << Int((data[0] >> 1) & 7)
    let descriptor = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("cannot write \(scratchPath)") }
    var written = 1
    while written < size {
        let count = write(descriptor, data + written, size - written)
        guard count > 0 else { fatalError("cannot write \(scratchPath)") }
        written += count
    }
    close(descriptor)
    defer { unlink(scratchPath) }
    do {
        let stream = try JSONElementStream(path: scratchPath, form: form, chunkSize: chunk, maxElementBytes: 4096)
        var events = 0
        while let event = try stream.next() {
            events += 1
            check(events <= size + 2, "more events than bytes")
            if case .element(let element) = event {
                check(element.byteOffset >= 0 && element.byteOffset < Int64(size), "element offset out of file")
                compare(element)
            }
        }
    } catch {
        check(error.byteOffset >= 0 && error.byteOffset <= Int64(size), "error offset out of file: \(error)")
    }
    return 0
}

@_cdecl("FuzzJSONStream_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}
