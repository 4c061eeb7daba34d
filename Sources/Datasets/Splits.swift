import Foundation

/// Training, validation and test samples. Each part keeps the order the samples had in the input.
public struct DatasetSplit<Sample> {
    public var training: [Sample]
    public var validation: [Sample]
    public var test: [Sample]
    /// Samples the split left out for their label (e.g. FER2013-selected's `["surprise": 3171]`).
    public var skipped: [String: Int]

    public init(training: [Sample] = [], validation: [Sample] = [], test: [Sample] = [], skipped: [String: Int] = [:]) {
        self.training = training
        self.validation = validation
        self.test = test
        self.skipped = skipped
    }

    /// The number of samples in all three parts.
    public var count: Int { training.count + validation.count + test.count }
}

extension DatasetSplit: Sendable where Sample: Sendable {}
extension DatasetSplit: Codable where Sample: Codable {}
extension DatasetSplit: Equatable where Sample: Equatable {}

extension DatasetSplit where Sample == SpeechSample {
    /// The speakers with samples in the training part.
    public var trainingSpeakers: Set<SpeakerRef> { Set(training.map(\.speakerRef)) }
    /// The speakers with samples in the validation part.
    public var validationSpeakers: Set<SpeakerRef> { Set(validation.map(\.speakerRef)) }
    /// The speakers with samples in the test part.
    public var testSpeakers: Set<SpeakerRef> { Set(test.map(\.speakerRef)) }
}

/// How a development set is divided into training and validation.
public enum SplitUnit: String, Codable, Sendable, CaseIterable {
    /// At random by sample: a speaker's utterances may be in both parts (the study's protocol).
    case sample
    /// By speaker, per corpus: no speaker is in both parts.
    case speaker
}

/// Seeded splitting primitives. All of them draw from ``SplitMix64`` only, so a split depends only
/// on the input order, the fractions and the seed.
public enum Splitting {
    /// The number of items `fraction` of `count` makes, rounded to nearest (halves away from zero).
    public static func heldOutCount(_ count: Int, fraction: Double) -> Int {
        min(count, max(0, Int((Double(count) * fraction).rounded(.toNearestOrAwayFromZero))))
    }

    /// Throws unless `fraction` is in `0..<1`.
    public static func checkFraction(_ fraction: Double, _ name: String) throws {
        guard fraction >= 0, fraction < 1, fraction.isFinite else {
            throw DatasetError.invalidSplit("\(name) must be in [0, 1), got \(fraction)")
        }
    }

    /// Splits `items` at random: `heldOutCount(items.count, fraction)` of them go to `heldOut`, the rest
    /// to `kept`; both keep the input order.
    public static func randomSplit<T>(_ items: [T], heldOutFraction fraction: Double, using rng: inout SplitMix64) -> (kept: [T], heldOut: [T]) {
        let chosen = choose(heldOutCount(items.count, fraction: fraction), of: items.count, using: &rng)
        return partition(items, heldOut: chosen)
    }

    /// Like ``randomSplit(_:heldOutFraction:using:)`` but per label: each class contributes
    /// `heldOutCount(classCount, fraction)` samples, so both parts keep the class proportions.
    /// Classes are visited in order of their canonical name.
    public static func stratifiedSplit<T: LabeledSample>(_ items: [T], heldOutFraction fraction: Double, using rng: inout SplitMix64) -> (
        kept: [T], heldOut: [T]
    ) {
        var byLabel: [Emotion: [Int]] = [:]
        for (i, item) in items.enumerated() { byLabel[item.label, default: []].append(i) }
        var chosen = [Bool](repeating: false, count: items.count)
        for label in byLabel.keys.sorted() {
            let indices = byLabel[label]!
            let picked = choose(heldOutCount(indices.count, fraction: fraction), of: indices.count, using: &rng)
            for (k, isPicked) in picked.enumerated() where isPicked { chosen[indices[k]] = true }
        }
        return partition(items, heldOut: chosen)
    }

    /// Picks `k` of `n` positions uniformly at random (a partial Fisher–Yates shuffle).
    static func choose(_ k: Int, of n: Int, using rng: inout SplitMix64) -> [Bool] {
        var order = Array(0..<n)
        var chosen = [Bool](repeating: false, count: n)
        for i in 0..<k {
            let j = i + rng.nextInt(below: n - i)
            order.swapAt(i, j)
            chosen[order[i]] = true
        }
        return chosen
    }

    static func partition<T>(_ items: [T], heldOut: [Bool]) -> (kept: [T], heldOut: [T]) {
        var kept: [T] = []
        var out: [T] = []
        for (i, item) in items.enumerated() {
            if heldOut[i] { out.append(item) } else { kept.append(item) }
        }
        return (kept, out)
    }

    /// The number of speakers to hold out of `count`: `fraction` of them rounded, at least one and
    /// at most `count - 1` when there are two or more, none when there is only one.
    static func heldOutSpeakerCount(_ count: Int, fraction: Double) -> Int {
        guard count >= 2, fraction > 0 else { return 0 }
        return min(max(1, heldOutCount(count, fraction: fraction)), count - 1)
    }
}

/// The study's split protocols.
public enum SplitPresets {
    /// "FER2013-selected": the `Training` usage of FER2013 without `surprise` (25,538 images in the
    /// folder form), split at random 80/20 into training and validation. `test` is empty.
    ///
    /// Samples whose usage is `nil` (a CSV without a `Usage` column, a folder without `Training_`
    /// prefixes) are taken to be training data; other usages are left out without being counted.
    /// Samples whose label is not in `labels` are left out and counted in
    /// ``DatasetSplit/skipped``.
    ///
    /// - Parameter stratified: `false` (the default, as in the study): a plain random split of all
    ///   images, so class proportions match only approximately. `true`: each class is split 80/20 on
    ///   its own (see ``Splitting/stratifiedSplit(_:heldOutFraction:using:)``).
    public static func fer2013Selected<S: FER2013UsageProviding>(
        _ samples: [S], labels: LabelSet = .six, validationFraction: Double = 0.2, seed: UInt64, stratified: Bool = false
    ) throws -> DatasetSplit<S> {
        try Splitting.checkFraction(validationFraction, "validation fraction")
        var skipped: [String: Int] = [:]
        var selected: [S] = []
        for s in samples where s.usage == nil || s.usage == .training {
            if labels.contains(s.label) { selected.append(s) } else { skipped[s.label.rawValue, default: 0] += 1 }
        }
        var rng = SplitMix64(seed: seed)
        let (training, validation) = stratified
            ? Splitting.stratifiedSplit(selected, heldOutFraction: validationFraction, using: &rng)
            : Splitting.randomSplit(selected, heldOutFraction: validationFraction, using: &rng)
        return DatasetSplit(training: training, validation: validation, skipped: skipped)
    }

    /// Loads a FER2013 image-folder tree (``FER2013Folders``) and makes the FER2013-selected split;
    /// ``DatasetSplit/skipped`` counts the training images left out (`surprise`).
    public static func fer2013Selected(
        root: String, labels: LabelSet = .six, validationFraction: Double = 0.2, seed: UInt64, stratified: Bool = false
    ) throws -> DatasetSplit<FaceImage> {
        let all = try LabelSet(Array(Set(labels.classes + FER2013CSV.emotions)).sorted())
        let loaded = try FER2013Folders.load(root: root, options: LoadOptions(labels: all))
        return try fer2013Selected(
            loaded.samples, labels: labels, validationFraction: validationFraction, seed: seed, stratified: stratified)
    }

    /// The study's speech split. Per corpus: `testSpeakerFraction` of the speakers (rounded, at
    /// least one when the corpus has two or more: TESS's two speakers give one test speaker, RAVDESS's
    /// 24 give two) go to `test`; the remaining development set is split `validationFraction` at
    /// random by sample (or by speaker, with `validationBy: .speaker`) into validation and training.
    ///
    /// Each corpus draws from its own generator derived from `seed` and the corpus name, so adding or
    /// removing a corpus does not change the others' splits. Speakers are shuffled in sorted order,
    /// samples in input order (the loaders' sorted order).
    public static func speechStudy(
        _ samples: [SpeechSample], seed: UInt64, testSpeakerFraction: Double = 0.1, validationFraction: Double = 0.2,
        validationBy: SplitUnit = .sample
    ) throws -> DatasetSplit<SpeechSample> {
        try Splitting.checkFraction(testSpeakerFraction, "test speaker fraction")
        try Splitting.checkFraction(validationFraction, "validation fraction")
        var testSpeakers = Set<SpeakerRef>()
        for (corpus, speakers) in speakersByCorpus(samples) {
            var rng = SplitMix64.derived(seed: seed, name: "speech-study/test/\(corpus.rawValue)")
            let shuffled = rng.shuffled(speakers)
            let n = Splitting.heldOutSpeakerCount(speakers.count, fraction: testSpeakerFraction)
            testSpeakers.formUnion(shuffled.prefix(n).map { SpeakerRef(corpus: corpus, speaker: $0) })
        }
        return splitDevelopment(samples, testSpeakers: testSpeakers, validationFraction: validationFraction,
                                validationBy: validationBy, seed: seed, tag: "speech-study")
    }

    /// A speaker-independent split: every sample of `testSpeakers` (e.g. `ravdess:19`, `ravdess:20`)
    /// goes to `test`; the rest is split per corpus into training and validation as in
    /// ``speechStudy(_:seed:testSpeakerFraction:validationFraction:validationBy:)``.
    /// Throws ``DatasetError/invalidSplit(_:)`` if a listed speaker has no sample.
    public static func holdOutSpeakers(
        _ samples: [SpeechSample], testSpeakers: [SpeakerRef], seed: UInt64, validationFraction: Double = 0.2,
        validationBy: SplitUnit = .sample
    ) throws -> DatasetSplit<SpeechSample> {
        try Splitting.checkFraction(validationFraction, "validation fraction")
        let present = Set(samples.map(\.speakerRef))
        for s in testSpeakers where !present.contains(s) {
            throw DatasetError.invalidSplit("held-out speaker \(s) has no samples")
        }
        return splitDevelopment(samples, testSpeakers: Set(testSpeakers), validationFraction: validationFraction,
                                validationBy: validationBy, seed: seed, tag: "hold-out")
    }

    /// Sorted speakers of each corpus, corpora in order of first appearance.
    static func speakersByCorpus(_ samples: [SpeechSample]) -> [(Corpus, [String])] {
        var order: [Corpus] = []
        var speakers: [Corpus: Set<String>] = [:]
        for s in samples {
            if speakers[s.corpus] == nil { order.append(s.corpus) }
            speakers[s.corpus, default: []].insert(s.speaker)
        }
        return order.map { ($0, speakers[$0]!.sorted()) }
    }

    /// Test = samples of `testSpeakers`; per corpus, the rest is split into training and validation.
    static func splitDevelopment(
        _ samples: [SpeechSample], testSpeakers: Set<SpeakerRef>, validationFraction: Double, validationBy: SplitUnit,
        seed: UInt64, tag: String
    ) -> DatasetSplit<SpeechSample> {
        enum Part { case training, validation, test }
        var part = [Part](repeating: .training, count: samples.count)
        var devIndices: [Corpus: [Int]] = [:]
        var corpusOrder: [Corpus] = []
        for (i, s) in samples.enumerated() {
            if testSpeakers.contains(s.speakerRef) {
                part[i] = .test
            } else {
                if devIndices[s.corpus] == nil { corpusOrder.append(s.corpus) }
                devIndices[s.corpus, default: []].append(i)
            }
        }
        for corpus in corpusOrder {
            let indices = devIndices[corpus]!
            var rng = SplitMix64.derived(seed: seed, name: "\(tag)/validation/\(corpus.rawValue)")
            switch validationBy {
            case .sample:
                let chosen = Splitting.choose(
                    Splitting.heldOutCount(indices.count, fraction: validationFraction), of: indices.count, using: &rng)
                for (k, isChosen) in chosen.enumerated() where isChosen { part[indices[k]] = .validation }
            case .speaker:
                let speakers = Set(indices.map { samples[$0].speaker }).sorted()
                let shuffled = rng.shuffled(speakers)
                let n = Splitting.heldOutSpeakerCount(speakers.count, fraction: validationFraction)
                let validationSpeakers = Set(shuffled.prefix(n))
                for i in indices where validationSpeakers.contains(samples[i].speaker) { part[i] = .validation }
            }
        }
        var split = DatasetSplit<SpeechSample>()
        for (i, s) in samples.enumerated() {
            switch part[i] {
            case .training: split.training.append(s)
            case .validation: split.validation.append(s)
            case .test: split.test.append(s)
            }
        }
        return split
    }
}
