import Dispatch

/// Renders chunks on several threads and hands them over in chunk order, a
/// window at a time, so memory holds at most `window` rendered chunks.
enum OrderedParallel {
    /// Slots filled by the workers, each index by exactly one of them, and read
    /// only after `concurrentPerform` returns (which orders the writes before the
    /// reads): that discipline is why `@unchecked Sendable` is sound.
    private final class Slots<Value>: @unchecked Sendable {
        var values: [Value?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    static func forEach<Value: Sendable>(
        count: Int, workers: Int, window: Int, _ render: @Sendable (Int) -> Value, consume: (Value) -> Void
    ) {
        var start = 0
        let step = max(1, window)
        while start < count {
            let size = min(step, count - start)
            let slots = Slots<Value>(count: size)
            let base = start
            if workers <= 1 || size == 1 {
                for offset in 0..<size { slots.values[offset] = render(base + offset) }
            } else {
                slots.values.withUnsafeMutableBufferPointer { buffer in
                    // The buffer's base address is stable for the duration of this closure.
                    nonisolated(unsafe) let pointer = buffer
                    DispatchQueue.concurrentPerform(iterations: size) { offset in
                        pointer[offset] = render(base + offset)
                    }
                }
            }
            for offset in 0..<size {
                if let value = slots.values[offset] { consume(value) }
            }
            start += size
        }
    }
}
