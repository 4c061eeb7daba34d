// libFuzzer target: built only with TAKESENSE_FUZZ=1 and -sanitize=fuzzer,address (see Scripts/fuzz.sh).
import Foundation
import Datasets

/// One input: every error must be a thrown Swift error, never a trap, an out-of-bounds access or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    _ = try? EmotionManifest.parse(text, path: "fuzz.csv", baseDirectory: "/nonexistent")
    _ = try? FaceVoiceManifest.parse(text, path: "fuzz.csv", baseDirectory: "/nonexistent")
    _ = try? OMGEmotion.parseUtterances(text, path: "fuzz.csv")
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM renames an executable's entry point to <module>_main (and aliases main to it): hand over to libFuzzer.
@_cdecl("FuzzManifest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
