import Foundation
import Torch

/// One network of a face-model ensemble: its architecture, the window it sees of the shared input face, its own
/// test-time augmentation and its weight in the average.
public struct FaceEnsembleMember: Sendable, Equatable, CustomStringConvertible {
    public var architecture: FaceArchitecture
    /// Side of the window it sees (crop-trained members), nil = the whole face.
    public var cropSize: Int?
    public var testTimeAugmentation: FaceTestTimeAugmentation
    public var weight: Double

    /// Members per ensemble, and the weights accepted (relative; normalised to sum 1 when used).
    public static let counts = 2...8
    public static let weights = 1e-6...1e6

    public init(architecture: FaceArchitecture, cropSize: Int?, testTimeAugmentation: FaceTestTimeAugmentation, weight: Double) {
        self.architecture = architecture
        self.cropSize = cropSize
        self.testTimeAugmentation = testTimeAugmentation
        self.weight = weight
    }

    /// `ARCH/CROP/TTA/WEIGHT`, CROP `-` for the whole face: `fernet-24/40/ten-crop/0.5`.
    public var description: String {
        "\(architecture)/\(cropSize.map(String.init) ?? "-")/\(testTimeAugmentation.rawValue)/\(weight)"
    }

    init(parsing text: Substring) throws {
        let f = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 4 else { throw TorchError("ensemble member '\(text)' is not ARCH/CROP/TTA/WEIGHT") }
        architecture = try FaceArchitecture(name: f[0])
        if architecture.isEnsemble { throw TorchError("ensemble member '\(text)' is itself an ensemble") }
        if f[1] == "-" {
            cropSize = nil
        } else {
            guard let c = Int(f[1]), FaceModelSpec.inputSizes.contains(c) else {
                throw TorchError("ensemble member '\(text)': crop '\(f[1])' is not a side in \(FaceModelSpec.inputSizes) or '-'")
            }
            cropSize = c
        }
        guard let tta = FaceTestTimeAugmentation(rawValue: f[2]) else {
            throw TorchError("ensemble member '\(text)': unknown test-time augmentation '\(f[2])'")
        }
        testTimeAugmentation = tta
        guard let w = Double(f[3]), w.isFinite, Self.weights.contains(w) else {
            throw TorchError("ensemble member '\(text)': weight '\(f[3])' is not a number in \(Self.weights)")
        }
        weight = w
    }

    /// `ensemble:` followed by the members joined with `+`.
    static func parse(ensemble name: String) throws -> [FaceEnsembleMember] {
        let members = try name.dropFirst(FaceArchitecture.ensemblePrefix.count).split(separator: "+").map(FaceEnsembleMember.init(parsing:))
        guard Self.counts.contains(members.count) else {
            throw TorchError("an ensemble has \(counts.lowerBound)...\(counts.upperBound) members, '\(name)' lists \(members.count)")
        }
        return members
    }
}

/// Several face networks behind one `UnaryLayer`: each member takes its own windows of the shared normalised
/// input face (its crop, its test-time augmentation) and the output is the log of the weighted mean of the
/// members' softmax probabilities, so `softmax(output)` is exactly the probability average of an
/// ensemble evaluation, and one temperature fitted on these logits calibrates the whole ensemble. Parameters
/// are named `members.<i>.<member's own state-dict names>`.
public final class FaceEnsembleNetwork: Module, UnaryLayer {
    public let members: [any UnaryLayer]
    public let specs: [FaceEnsembleMember]

    init(specs: [FaceEnsembleMember], classes: Int, inputChannels: Int) throws {
        self.specs = specs
        members = try specs.map { try $0.architecture.build(classes: classes, inputChannels: inputChannels) }
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let total = specs.reduce(0) { $0 + $1.weight }
        var mixture: Tensor?
        for (network, spec) in zip(members, specs) {
            guard (spec.cropSize ?? 0) <= min(x.size(2), x.size(3)) else {
                throw TorchError("ensemble member \(spec.architecture) takes \(spec.cropSize ?? 0) px windows of a \(x.size(2))x\(x.size(3)) face")
            }
            let window = FacePreprocessing(inputSize: x.size(2), cropSize: spec.cropSize)
            let logits = try FaceClassifier.averagedLogits(of: network, input: x, windows: window, tta: spec.testTimeAugmentation)
            let p = try logits.softmax(dim: 1) * (spec.weight / total)
            mixture = try mixture.map { try $0 + p } ?? p
        }
        // The floor keeps log finite when every member gives a class exactly 0 (float underflow).
        return try mixture!.clamp(min: 1e-30).log()
    }
}

extension FaceClassifier {
    /// Metadata key naming the files and weights an ensemble was built from (provenance only).
    public static let ensembleSourcesKey = "takesense.ensemble.sources"

    /// One classifier averaging `members` (each with its weight) as a `FaceEnsembleNetwork`, weights copied from
    /// the members. They must share labels, input size, channels and normalisation; each keeps its own crop and
    /// test-time augmentation. The result is uncalibrated (temperature 1): calibrate it as one model.
    public static func ensemble(of members: [(FaceClassifier, Double)]) throws -> FaceClassifier {
        guard let first = members.first?.0, FaceEnsembleMember.counts.contains(members.count) else {
            throw TorchError("an ensemble has \(FaceEnsembleMember.counts.lowerBound)...\(FaceEnsembleMember.counts.upperBound) members, not \(members.count)")
        }
        var specs: [FaceEnsembleMember] = []
        for (m, w) in members {
            if m.architecture.isEnsemble { throw TorchError("an ensemble member is itself an ensemble") }
            guard m.labels == first.labels else { throw TorchError("ensemble members have different labels: \(m.labels) and \(first.labels)") }
            let (p, q) = (m.preprocessing, first.preprocessing)
            guard p.inputSize == q.inputSize, p.channels == q.channels, p.mean == q.mean, p.std == q.std else {
                throw TorchError("ensemble members must share input size, channels and normalisation (\(p) vs \(q))")
            }
            guard w.isFinite, FaceEnsembleMember.weights.contains(w) else { throw TorchError("ensemble weight \(w) is not in \(FaceEnsembleMember.weights)") }
            specs.append(FaceEnsembleMember(architecture: m.architecture, cropSize: p.cropSize, testTimeAugmentation: m.testTimeAugmentation, weight: w))
        }
        var shared = first.preprocessing
        shared.cropSize = nil
        let ensemble = try FaceClassifier(architecture: .ensemble(specs), labels: first.labels, preprocessing: shared, testTimeAugmentation: .none)
        var state: [String: Tensor] = [:]
        for (i, (m, _)) in members.enumerated() {
            for (key, tensor) in m.network.stateDict() { state["members.\(i).\(key)"] = tensor }
        }
        try ensemble.network.load(stateDict: state)
        ensemble.network.eval()
        return ensemble
    }
}
