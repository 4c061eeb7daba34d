import ArgumentParser
import FaceEmotion
import Foundation
import Torch

/// `takesense bench face-model`: face-emotion inference speed (faces per second) on this machine.
struct FaceModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-model",
        abstract: "Faces per second of the face-emotion model at batch 1 and 32, against the study's ResNet34 at 224 px.",
        discussion: """
        Times `FaceClassifier.probabilities` (preprocessing, network, softmax; flip averaging as the model is \
        configured) on random 48x48 gray crops, median of repeated runs after warm-up (as `bench engine`). The \
        reference, in the same run, is the study's architecture: ResNet34 on 224 px crops replicated to three \
        channels (random weights: speed does not depend on them), without flip averaging.
        """
    )

    @Option(help: "Face-emotion model (default: the bundled one).") var model: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        try oneLine {
            let shipped = try FaceClassifier(contentsOf: try BundledModels.face(model))
            let study = try FaceClassifier(architecture: try FaceArchitecture(name: "resnet34"), labels: shipped.labels,
                                           preprocessing: .study, flipAveraging: false)
            study.network.eval()
            print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Torch.threads) intra-op threads, OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset")")
            print("")
            print("| model | input | test-time augmentation | batch | ms per batch | faces/s | vs study ResNet34 |")
            print("|---|---|---|---:|---:|---:|---:|")
            // The model's own test-time augmentation first, then the cheaper modes it supports.
            var modes: [FaceTestTimeAugmentation] = [shipped.testTimeAugmentation]
            for m in FaceTestTimeAugmentation.allCases where !modes.contains(m) && (m != .tenCrop || shipped.preprocessing.cropSize != nil) { modes.append(m) }
            let own = shipped.testTimeAugmentation
            let name = model == nil ? "\(shipped.architecture.description) (shipped)" : shipped.architecture.description
            let input = shipped.preprocessing.cropSize.map { "\($0) of \(shipped.preprocessing.inputSize) px" } ?? "\(shipped.preprocessing.inputSize) px"
            for batch in [1, 32] {
                let crops = try Tensor.rand([batch, 1, 48, 48])
                let ref = try medianMilliseconds { _ = try study.probabilities(gray: crops) }
                let refFPS = Double(batch) / ref * 1000
                for mode in modes {
                    shipped.testTimeAugmentation = mode
                    let ms = try medianMilliseconds { _ = try shipped.probabilities(gray: crops) }
                    let fps = Double(batch) / ms * 1000
                    print("| \(name) | \(input) x\(shipped.preprocessing.channels) | \(mode.rawValue)\(mode == own ? " (model's)" : "") | \(batch) | \(f2(ms)) | \(f1(fps)) | \(f1(fps / refFPS))x |")
                }
                shipped.testTimeAugmentation = own
                print("| resnet34 (study) | 224 px x3 | none | \(batch) | \(f2(ref)) | \(f1(refFPS)) | 1.0x |")
            }
        }
    }
}
