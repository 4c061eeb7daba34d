import Datasets
import Foundation
import Stats
import Torch
import Training
import VoiceEmotion

/// Evaluation of a voice-emotion model on labelled speech corpora: what `takesense evaluate voice`
/// prints and writes, and what the tests check the shipped model's card against.
public enum VoiceEvaluation {
    /// Indexes the corpora, keeps the listed speakers (nil: all) and decodes the clips. Emotions outside
    /// `labels` (RAVDESS calm and surprised for the six classes) are left out and counted, for the
    /// selected speakers only.
    public static func clips(_ specs: [DatasetSpec], labels: [String], speakers: String? = nil) throws -> VoiceClips {
        let modelLabels = try LabelSet(names: labels)
        let everything = try LabelSet(modelLabels.classes + Emotion.known.filter { !modelLabels.contains($0) })
        let loaded = try SpeechCorpora.load(specs, options: LoadOptions(labels: everything))
        var samples = loaded.samples
        if let speakers {
            let wanted = try parseSpeakers(speakers, in: samples)
            samples = samples.filter { wanted.contains($0.speakerRef) }
        }
        return try VoiceClips.load(samples, labels: labels, skipped: loaded.report.skipped)
    }

    /// What a model said about every clip: the truth in the model's label order and its (calibrated) probabilities.
    public struct Predictions: Sendable {
        public var truth: [Int]
        public var probabilities: [[Double]]
        public var labels: [String]
        public var skipped: [String: Int]
        /// Seconds spent in the model.
        public var seconds: Double

        public var predicted: [Int] { probabilities.map { p in p.indices.max { p[$0] < p[$1] }! } }

        public func report() throws -> EvaluationReport {
            try EvaluationReport(truth: truth, predicted: predicted, labels: labels, skipped: skipped)
        }

        /// Expected calibration error (15 equal-width bins of the top probability) and mean negative log-likelihood.
        public var expectedCalibrationError: Double { Calibration.expectedCalibrationError(probabilities: probabilities, targets: truth, bins: 15) }
        public var negativeLogLikelihood: Double { Calibration.negativeLogLikelihood(probabilities: probabilities, targets: truth) }
    }

    /// Runs the model on every clip (each at its true length, or padded to 30 s if the model is set so).
    public static func predict(_ model: VoiceEmotionModel, _ clips: VoiceClips,
                               progress: ((Int, Int, Double) -> Void)? = nil) throws -> Predictions {
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, $0) })
        let truth = try clips.targets.map { t -> Int in
            guard let i = index[clips.labels[t]] else {
                throw TorchError("label '\(clips.labels[t])' is not one of the model's (\(model.labels.joined(separator: ", ")))")
            }
            return i
        }
        var probabilities: [[Double]] = []
        let start = Date()
        for (i, audio) in clips.audio.enumerated() {
            probabilities.append(try model.probabilities(samples: audio).map(Double.init))
            progress?(i + 1, clips.count, Date().timeIntervalSince(start))
        }
        return Predictions(truth: truth, probabilities: probabilities, labels: model.labels, skipped: clips.skipped,
                           seconds: Date().timeIntervalSince(start))
    }

    /// Runs the model on every clip (each at its true length, or padded to 30 s if the model is set
    /// so): the report and the seconds spent in the model.
    public static func evaluate(_ model: VoiceEmotionModel, _ clips: VoiceClips,
                                progress: ((Int, Int, Double) -> Void)? = nil) throws -> (report: EvaluationReport, seconds: Double) {
        let p = try predict(model, clips, progress: progress)
        return (try p.report(), p.seconds)
    }

    /// Every clip's prediction, one row per clip in `samples`' order: `path,corpus,speaker,truth,predicted`, then
    /// the (temperature-scaled) probability of each label, 9 significant digits — what out-of-fold analyses
    /// (calibration, ensembles of models) read back. Paths with a comma, quote or line break are quoted (RFC 4180).
    public static func predictionsCSV(_ p: Predictions, samples: [SpeechSample]) throws -> String {
        guard samples.count == p.truth.count else {
            throw TorchError("\(samples.count) clips but \(p.truth.count) predictions")
        }
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [(["path", "corpus", "speaker", "truth", "predicted"] + p.labels.map { "p_\($0)" }).joined(separator: ",")]
        for (i, sample) in samples.enumerated() {
            let row = [field(sample.path), sample.corpus.rawValue, field(sample.speaker), p.labels[p.truth[i]], p.labels[p.predicted[i]]]
                + p.probabilities[i].map { String(format: "%.9g", $0) }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `19,20` (those speakers in every corpus that has them) or `ravdess:19,cremad:1001`.
    public static func parseSpeakers(_ list: String, in samples: [SpeechSample]) throws -> Set<SpeakerRef> {
        let present = Set(samples.map(\.speakerRef))
        let corpora = Set(samples.map(\.corpus))
        var out = Set<SpeakerRef>()
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item.contains(":") {
                let ref = try SpeakerRef(parsing: item)
                guard present.contains(ref) else { throw TorchError("speaker \(ref) has no clips in the data") }
                out.insert(ref)
            } else {
                let refs = corpora.map { SpeakerRef(corpus: $0, speaker: item) }.filter(present.contains)
                guard !refs.isEmpty else { throw TorchError("speaker \(item) has no clips in the data") }
                out.formUnion(refs)
            }
        }
        guard !out.isEmpty else { throw TorchError("no speakers in '\(list)'") }
        return out
    }

    /// The voice training split: `test` speakers are held out; validation is the `validation`
    /// speakers, or 10% of the other speakers per corpus; with neither, the study's split.
    public static func split(_ samples: [SpeechSample], test: String?, validation: String?, seed: UInt64) throws -> DatasetSplit<SpeechSample> {
        switch (test, validation) {
        case (nil, nil):
            return try SplitPresets.speechStudy(samples, seed: seed)
        case (let test?, nil):
            let held = try parseSpeakers(test, in: samples)
            return try SplitPresets.holdOutSpeakers(samples, testSpeakers: held.sorted(), seed: seed, validationFraction: 0.1, validationBy: .speaker)
        case (let test, let validation?):
            let held = try test.map { try parseSpeakers($0, in: samples) } ?? []
            let val = try parseSpeakers(validation, in: samples)
            if let overlap = held.intersection(val).first { throw TorchError("speaker \(overlap) is both a test and a validation speaker") }
            var split = DatasetSplit<SpeechSample>()
            for s in samples {
                if held.contains(s.speakerRef) { split.test.append(s) }
                else if val.contains(s.speakerRef) { split.validation.append(s) }
                else { split.training.append(s) }
            }
            return split
        }
    }
}
