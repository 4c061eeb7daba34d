import Datasets
import Foundation
import Media
import Torch
import Training
import VoiceEmotion

/// Decoded speech clips with their class indices: what voice training and evaluation read.
public struct VoiceClips: Sendable {
    public var samples: [SpeechSample]
    /// 16 kHz mono audio of each sample.
    public var audio: [[Float]]
    /// Class index of each sample in `labels`.
    public var targets: [Int]
    public var labels: [String]
    /// Samples left out for a label outside `labels`, by label.
    public var skipped: [String: Int]

    public init(samples: [SpeechSample], audio: [[Float]], targets: [Int], labels: [String], skipped: [String: Int] = [:]) {
        self.samples = samples
        self.audio = audio
        self.targets = targets
        self.labels = labels
        self.skipped = skipped
    }

    public var count: Int { samples.count }

    /// Decodes `samples` to 16 kHz mono (any format FFmpeg reads). Samples whose label is not in
    /// `labels` are left out and counted in `skipped`.
    public static func load(_ samples: [SpeechSample], labels: [String], skipped: [String: Int] = [:],
                            progress: ((Int, Int) -> Void)? = nil) throws -> VoiceClips {
        let set = try LabelSet(names: labels)
        var kept: [SpeechSample] = [], audio: [[Float]] = [], targets: [Int] = []
        var skipped = skipped
        for (i, s) in samples.enumerated() {
            guard let t = set.index(of: s.label) else { skipped[s.label.rawValue, default: 0] += 1; continue }
            let clip: [Float]
            do { clip = try AudioReader.readAll(url: s.url) } catch { throw TorchError("\(s.path): \(error)") }
            guard !clip.isEmpty else { throw TorchError("\(s.path): no audio samples") }
            kept.append(s)
            audio.append(clip)
            targets.append(t)
            progress?(i + 1, samples.count)
        }
        return VoiceClips(samples: kept, audio: audio, targets: targets, labels: set.names, skipped: skipped)
    }
}

/// Outputs of a Whisper classifier's frozen lower blocks (`hidden_states[layer]`), computed once per
/// clip — and per augmented copy — and kept in memory, so that training runs only the upper blocks
/// and the head each step.
public final class WhisperFeatureCache: @unchecked Sendable {
    /// Which hidden state is cached (blocks below it are frozen).
    public let layer: Int
    /// `versions[clip][k]`: (frames, d_model) float32; k = 0 is the clean clip, the others augmented copies.
    public private(set) var versions: [[Tensor]]
    /// Valid encoder frames of each version (= its row count at true length; fewer with 30 s padding).
    public private(set) var validFrames: [[Int]]
    public let targets: [Int]

    /// Runs the frozen part of `classifier` on every clip and on `copies` augmented copies of each
    /// (copy k of clip i drawn from a generator derived from `seed`, `i` and `k`, so caches are reproducible).
    public init(classifier: WhisperClassifier, clips: [[Float]], targets: [Int], layer: Int,
                augmentation: AudioAugmentation? = nil, copies: Int = 0, seed: UInt64 = 0,
                progress: ((Int, Int) -> Void)? = nil) throws {
        guard clips.count == targets.count else { throw TorchError("feature cache: \(clips.count) clips for \(targets.count) targets") }
        guard (0...classifier.encoder.config.layers).contains(layer) else {
            throw TorchError("feature cache: layer \(layer) out of range 0...\(classifier.encoder.config.layers)")
        }
        self.layer = layer
        self.targets = targets
        let extra = augmentation == nil ? 0 : Swift.max(0, copies)
        var versions: [[Tensor]] = [], frames: [[Int]] = []
        versions.reserveCapacity(clips.count)
        try Torch.noGrad {
            for (i, clip) in clips.enumerated() {
                var clipVersions: [Tensor] = [], clipFrames: [Int] = []
                for k in 0...extra {
                    var audio = clip
                    if k > 0, let augmentation {
                        var rng = SplitMix64.derived(seed: seed, name: "voice-augmentation/\(i)/\(k)")
                        audio = augmentation.apply(clip, using: &rng)
                    }
                    let (h, n) = try classifier.hiddenState(clip: Self.minimumLength(audio), layer: layer)
                    clipVersions.append(h)
                    clipFrames.append(n)
                }
                versions.append(clipVersions)
                frames.append(clipFrames)
                progress?(i + 1, clips.count)
            }
        }
        self.versions = versions
        self.validFrames = frames
    }

    public var count: Int { versions.count }

    /// Clips too short for the log-mel front end are zero-padded to 0.1 s.
    static func minimumLength(_ clip: [Float]) -> [Float] {
        clip.count >= 1600 ? clip : clip + [Float](repeating: 0, count: 1600 - clip.count)
    }

    /// Approximate memory held, in bytes.
    public var bytes: Int { versions.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } } }
}

/// Batches of cached hidden states, zero-padded to the longest item with each item's valid frames in
/// `Batch.lengths`. Training sources shuffle and pick one version (clean or augmented) per clip each
/// epoch from a generator seeded by (seed, epoch): reproducible and resumable.
public struct CachedVoiceBatches: BatchSource, @unchecked Sendable {
    public let cache: WhisperFeatureCache
    public let shuffle: Bool
    /// Draw among the augmented copies (training); otherwise always the clean version.
    public let augmented: Bool
    public let seed: UInt64

    public init(_ cache: WhisperFeatureCache, shuffle: Bool = false, augmented: Bool = false, seed: UInt64 = 0) {
        self.cache = cache
        self.shuffle = shuffle
        self.augmented = augmented
        self.seed = seed
    }

    public var count: Int { cache.count }
    public var targets: [Int] { cache.targets }

    public func batches(epoch: Int, batchSize: Int) throws -> AnyIterator<Result<Batch, Error>> {
        let cache = self.cache
        var order = Array(0..<count)
        var rng = SplitMix64.derived(seed: seed &+ UInt64(epoch), name: "voice-batches")
        if shuffle { rng.shuffle(&order) }
        let picks = order.map { augmented ? rng.nextInt(below: cache.versions[$0].count) : 0 }
        var start = 0
        let size = Swift.max(1, batchSize)
        return AnyIterator {
            guard start < order.count else { return nil }
            let range = start..<Swift.min(start + size, order.count)
            start += size
            return Result {
                let items = range.map { (cache.versions[order[$0]][picks[$0]], cache.validFrames[order[$0]][picks[$0]]) }
                let longest = items.map { $0.0.size(0) }.max() ?? 1
                let padded = try items.map { h, _ in
                    h.size(0) == longest ? h : try h.pad([0, 0, 0, longest - h.size(0)])
                }
                let inputs = try Torch.stack(padded, dim: 0)
                let targets = try Tensor(range.map { Int64(cache.targets[order[$0]]) })
                let lengths = try Tensor(items.map { Int64($0.1) })
                return Batch(inputs: inputs, targets: targets, lengths: lengths)
            }
        }
    }
}
