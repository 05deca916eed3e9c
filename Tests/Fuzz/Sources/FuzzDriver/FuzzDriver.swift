// SwiftPM links an executable's entry point as `<module>_main`, so libFuzzer's
// own `main` is not used: each target's entry hands its arguments to
// libFuzzer's driver through `LibFuzzer.run`.

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

public enum LibFuzzer {
    /// Runs libFuzzer with the process arguments on `body`, one input at a time.
    public static func run(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt {
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments, body)
    }
}
