// libFuzzer target: built only with TAKESENSE_FUZZ=1 and -sanitize=fuzzer,address (see Scripts/fuzz.sh).
import Foundation
import FaceEmotion
import TensorFiles
import VoiceEmotion

/// One input: every error must be a thrown Swift error, never a trap, an out-of-bounds access or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    // A safetensors header (JSON) as the metadata readers see it: the metadata map and the tensor shapes.
    guard let header = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return 0 }
    let metadata = (header["__metadata__"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
    var shapes: [String: [Int]] = [:]
    for (k, v) in header where k != "__metadata__" {
        if let shape = (v as? [String: Any])?["shape"] as? [Int] { shapes[k] = shape }
    }
    _ = try? FaceModelSpec(metadata: metadata, shapes: shapes, file: "fuzz")
    _ = ModelLabels.parse(commaSeparated: metadata["labels"] ?? "", max: 1_000)
    let contract = ModelMetadata(metadata)
    _ = (contract.migrated(), contract.labels, contract.inferredKind, contract.temperature)
    if let text = metadata["takesense.config"], let config = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
       let sizes = try? WhisperConfig(huggingFace: config) {
        let projection = config["classifier_proj_size"] as? Int ?? 256
        if WhisperModelCheck.bounds(sizes, projectionSize: projection, outputLayer: config["output_layer"] as? Int) == nil {
            _ = try? WhisperModelCheck.check(sizes, projectionSize: projection, weightedLayerSum: config["use_weighted_layer_sum"] as? Bool ?? false,
                                             labelCount: 6, shapes: shapes, file: "fuzz")
        }
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM renames an executable's entry point to <module>_main (and aliases main to it): hand over to libFuzzer.
@_cdecl("FuzzModelMetadata_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
