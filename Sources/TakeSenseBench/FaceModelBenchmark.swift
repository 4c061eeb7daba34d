import FaceEmotion
import Foundation
import Torch

/// `takesense bench face-model`: faces per second of a face-emotion model at batch 1 and 32 against the
/// study's ResNet34 at 224 px (random weights: speed does not depend on them), in the same run.
public struct FaceModelBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Times `FaceClassifier.probabilities` (preprocessing, network, softmax; flip averaging as the model is \
    configured) on random 48x48 gray crops, median of repeated runs after warm-up (as `bench engine`). The \
    reference, in the same run, is the study's architecture: ResNet34 on 224 px crops replicated to three \
    channels (random weights: speed does not depend on them), without flip averaging.
    """

    public var model: FaceClassifier
    /// How the model is named in the table.
    public var name: String

    public init(model: FaceClassifier, name: String) {
        self.model = model
        self.name = name
    }

    /// Times `FaceClassifier.probabilities` (preprocessing, network, softmax, test-time augmentation) on
    /// random 48x48 gray crops, the median of repeated runs after warm-up, in each test-time augmentation
    /// the model supports (its own first).
    public func run() throws -> BenchReport {
        let shipped = model
        let study = try FaceClassifier(architecture: try FaceArchitecture(name: "resnet34"), labels: shipped.labels,
                                       preprocessing: .study, flipAveraging: false)
        study.network.eval()
        var report = BenchReport()
        report.note("Machine: \(machineCores()), \(Torch.threads) intra-op threads, OMP_WAIT_POLICY=\(ompWaitPolicy())")
        report.note("")
        var table = MarkdownTable(["model", "input", "test-time augmentation", "batch", "ms per batch", "faces/s", "vs study ResNet34"],
                                  alignment: "lllrrrr")
        var modes: [FaceTestTimeAugmentation] = [shipped.testTimeAugmentation]
        // The other modes a model supports; an ensemble's members choose their own views, so it has only its own.
        let others = shipped.architecture.isEnsemble ? [] : FaceTestTimeAugmentation.allCases
        for m in others where !modes.contains(m) && (m != .tenCrop || shipped.preprocessing.cropSize != nil) { modes.append(m) }
        let own = shipped.testTimeAugmentation
        defer { shipped.testTimeAugmentation = own }
        let input = shipped.preprocessing.cropSize.map { "\($0) of \(shipped.preprocessing.inputSize) px" } ?? "\(shipped.preprocessing.inputSize) px"
        for batch in [1, 32] {
            let crops = try Tensor.rand([batch, 1, 48, 48])
            let ref = try medianMilliseconds { _ = try study.probabilities(gray: crops) }
            let refFPS = Double(batch) / ref * 1000
            for mode in modes {
                shipped.testTimeAugmentation = mode
                let ms = try medianMilliseconds { _ = try shipped.probabilities(gray: crops) }
                let fps = Double(batch) / ms * 1000
                table.append([name, "\(input) x\(shipped.preprocessing.channels)", "\(mode.rawValue)\(mode == own ? " (model's)" : "")",
                              "\(batch)", f2(ms), f1(fps), "\(f1(fps / refFPS))x"])
            }
            shipped.testTimeAugmentation = own
            table.append(["resnet34 (study)", "224 px x3", "none", "\(batch)", f2(ref), f1(refFPS), "1.0x"])
        }
        report.add(table)
        return report
    }
}
