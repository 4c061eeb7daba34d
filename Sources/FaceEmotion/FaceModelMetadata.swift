import Foundation
import TensorFiles
import Torch

/// What a face-model file claims in its metadata, checked against sane bounds and against the file's own
/// tensor shapes before any network is built: a hostile or corrupt file gets a one-line error naming the file
/// and the field, never an allocation sized by an unchecked number, an arithmetic trap or a silent wrong answer.
public struct FaceModelSpec: Sendable, Equatable {
    public var architecture: FaceArchitecture
    public var labels: [String]
    public var preprocessing: FacePreprocessing
    public var flipAveraging: Bool

    /// Most classes a face model may have.
    public static let maxLabels = 1_000
    /// Input sides accepted (crops are resized to this square).
    public static let inputSizes = 8...1_024

    /// Validates `metadata` and `shapes` (tensor name → shape) of the file named `file`. The metadata is read
    /// through `ModelMetadata` (the `takesense.*` keys, or the legacy bare keys of older files); messages name
    /// the key the file actually has.
    public init(metadata raw: [String: String], shapes: [String: [Int]], file: String) throws {
        let meta = ModelMetadata(raw)
        typealias Key = ModelMetadata.Key
        func fail(_ key: String, _ reason: String) -> ModelError {
            ModelError(file: file, reason: "metadata '\(meta.sourceKey(key))': \(reason)")
        }
        guard meta.kind == .faceEmotion, let arch = meta.architecture, let labelText = meta[Key.labels], let prep = meta[Key.preprocessing] else {
            throw ModelError(file: file, reason: "not a TakeSense face-emotion model (its metadata lacks kind/architecture/labels/preprocessing)")
        }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(labelText.utf8)) else {
            throw fail(Key.labels, "not a JSON array of names")
        }
        labels = try ModelLabels.validate(list, max: Self.maxLabels).get(orThrow: { fail(Key.labels, $0) })
        let fail = { (field: String, reason: String) -> ModelError in
            fail(field == "preprocessing" ? Key.preprocessing : Key.architecture, reason)
        }
        do { preprocessing = try JSONDecoder().decode(FacePreprocessing.self, from: Data(prep.utf8)) } catch {
            throw fail("preprocessing", "not a JSON object with inputSize, channels, mean and std")
        }
        guard Self.inputSizes.contains(preprocessing.inputSize) else {
            throw fail("preprocessing", "inputSize \(preprocessing.inputSize) is outside \(Self.inputSizes.lowerBound)...\(Self.inputSizes.upperBound)")
        }
        guard preprocessing.channels == 1 || preprocessing.channels == 3 else {
            throw fail("preprocessing", "channels must be 1 or 3, not \(preprocessing.channels)")
        }
        guard preprocessing.mean.isFinite, abs(preprocessing.mean) <= 1_000 else {
            throw fail("preprocessing", "mean \(preprocessing.mean) is not a finite pixel level")
        }
        // std divides every pixel: 0 gives infinities, which the network turns into NaN and the take into "no face".
        guard preprocessing.std.isFinite, preprocessing.std >= 1e-6, preprocessing.std <= 1_000 else {
            throw fail("preprocessing", "std \(preprocessing.std) must be a positive finite number")
        }
        do { architecture = try FaceArchitecture(name: arch) } catch { throw fail("architecture", "\(error)") }
        if case .ensemble(let members) = architecture {
            // Members cut their own windows of the whole face; a window larger than the face cannot be cut.
            guard preprocessing.cropSize == nil else { throw fail("preprocessing", "an ensemble takes the whole face (no cropSize); its members crop") }
            for m in members where (m.cropSize ?? 0) > preprocessing.inputSize {
                throw fail("architecture", "member \(m.architecture) crops \(m.cropSize ?? 0) px from a \(preprocessing.inputSize) px face")
            }
        }
        flipAveraging = meta[Key.flipAveraging] != "0"
        try checkShapes(shapes, file: file)
    }

    /// The sizes the metadata implies, against the tensors actually stored, before any network is built: the
    /// stem's shape follows from the architecture and input channels, the head's from the architecture and the
    /// labels. A file that fails here would otherwise allocate the claimed network (FERNet's size grows with
    /// width², so a small file claiming a wide one allocated gigabytes) only to fail tensor by tensor.
    func checkShapes(_ shapes: [String: [Int]], file: String) throws {
        let expected = architecture.signature(classes: labels.count, inputChannels: preprocessing.channels)
        for (k, (name, shape)) in expected.enumerated() where shapes[name] != shape {
            let found = shapes[name].map { "\($0)" } ?? "none"
            let because = k % 2 == 0 ? "metadata 'architecture' says \(architecture) with \(preprocessing.channels) input channel(s)"
                : "metadata 'labels' lists \(labels.count) classes for \(architecture)"
            throw ModelError(file: file, reason: "\(because), so tensor '\(name)' should be \(shape), but the file has \(found)")
        }
    }
}

extension Result where Failure == ModelLabels.LabelProblem {
    func get(orThrow make: (String) -> any Error) throws -> Success {
        switch self {
        case .success(let v): return v
        case .failure(let p): throw make(p.description)
        }
    }
}

