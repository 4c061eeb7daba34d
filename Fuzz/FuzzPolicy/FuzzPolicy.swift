// libFuzzer target: built only with TAKESENSE_FUZZ=1 and -sanitize=fuzzer,address (see Scripts/fuzz.sh).
import Foundation
import Director

/// One input: every error must be a thrown Swift error, never a trap, an out-of-bounds access or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    if let policy = try? VerdictPolicy.parse(data, file: "fuzz") {
        precondition(policy.retakeBelow.isFinite && policy.retakeBelow >= 0, "a policy value escaped validation")
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM renames an executable's entry point to <module>_main (and aliases main to it): hand over to libFuzzer.
@_cdecl("FuzzPolicy_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
