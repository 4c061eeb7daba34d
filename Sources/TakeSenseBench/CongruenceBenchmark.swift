import Correlation
import Datasets
import Director
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis
import Stats

/// `takesense bench congruence`: the calibration and evaluation benchmark of the verdict. Take-like
/// clips (640x360 25 fps, H.264 + AAC, made by the ffmpeg CLI): a real utterance of one of the five
/// emotions FER2013 and the speech corpora share, over a moving face made of three FER2013 validation
/// pictures of one emotion (``MovingFaceTake``). Every utterance gives one congruent and one incongruent
/// take. Two speaker- and face-disjoint halves: on the calibration half the candidates for the congruence
/// probability are compared by ROC AUC, the logistic weights fit and the thresholds chosen; the
/// evaluation half is scored by ``SceneEvaluation``. Writes manifest.csv, analyses.json and results.json
/// into `workDir`.
public struct CongruenceBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Generates take-like clips (640x360 25 fps, H.264 at CRF 24-32 + AAC, ffmpeg CLI): a real utterance of one of \
    the five emotions FER2013 and the speech corpora share (angry, fear, happy, neutral, sad) over a moving face \
    made of three FER2013 validation pictures (three people) of one emotion shown in turn, with head sway and \
    roll, drift, a slow camera push-in and changing light (MovingFaceTake). Every utterance gives one congruent \
    take (faces of its own emotion) and one incongruent take (faces of another emotion, chosen with --seed). \
    Two speaker- and face-disjoint halves, from speakers the shipped voice model never trains on: calibration = \
    RAVDESS actors --calibration-actors; evaluation = RAVDESS actors --evaluation-actors + --tess-words words per \
    emotion of TESS speaker --tess-speaker; their faces come from disjoint halves of FER2013 validation/. \
    Every take is analysed with the default models (analyses.json is reused when it lists the same takes, and \
    re-judged by the current code). On the calibration half only: the candidates for the congruence \
    probability are compared by ROC AUC, the logistic weights are fit, and retake_below, keep_above and \
    span_below are chosen; the evaluation half reports balanced accuracy, ROC AUC and the accuracy-coverage \
    curve, scored by SceneEvaluation. Writes manifest.csv, analyses.json and results.json into --work-dir.
    """

    /// One analyzer with the default models per worker (an analyzer is not shared between threads).
    public var makeAnalyzer: () throws -> SceneAnalyzer
    /// FER2013 image folders, RAVDESS speech folder, TESS folder (nil: none).
    public var fer2013: String
    public var ravdess: String
    public var tess: String?
    public var calibrationActors = "17,18"
    public var evaluationActors = "19,20"
    /// TESS speaker of the evaluation half (empty: none) and words per emotion.
    public var tessSpeaker = "OAF"
    public var tessWords = 6
    /// Share of takes the calibrated abstention band must decide (on the calibration half).
    public var minCoverage = 0.85
    public var workDir = ".build-bench/congruence"
    public var seed: UInt64 = 7
    /// Only build the takes and the manifest.
    public var generateOnly = false
    /// Analyse every take again even when analyses.json lists them.
    public var reanalyse = false
    /// Also write the summary (results.json) here.
    public var json: String?
    /// Takes built (ffmpeg processes) and analysed (analyzers) at once.
    public var jobs = 3

    /// The face and voice models' own confusion matrices as priors, when both files carry one.
    public static func ownConfusions(face: any FaceEmotionClassifying, voice: any VoiceEmotionClassifying) -> (ConfusionPrior, ConfusionPrior)? {
        guard let f = face.confusionPrior, let v = voice.confusionPrior else { return nil }
        return (f, v)
    }

    public init(makeAnalyzer: @escaping () throws -> SceneAnalyzer, fer2013: String, ravdess: String, tess: String?) {
        self.makeAnalyzer = makeAnalyzer
        self.fer2013 = fer2013
        self.ravdess = ravdess
        self.tess = tess
    }

    static let emotions: [Emotion] = [.angry, .fear, .happy, .neutral, .sad]

    struct TakeSpec {
        var url: URL
        var faceLabel: Emotion
        var voiceLabel: Emotion
        var speaker: String
        var calibration: Bool
        var congruent: Bool { faceLabel == voiceLabel }
    }

    /// Results and the first error of the parallel phases.
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var error: (any Error)?
        private(set) var results: [Int: TakeAnalysis] = [:]
        var failed: Bool { lock.withLock { error != nil } }
        func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
        func store(_ k: Int, _ a: TakeAnalysis, _ report: (Int) -> Void) {
            lock.withLock {
                results[k] = a
                report(results.count)
            }
        }
    }

    /// One analyzer per worker (an analyzer is not shared between threads).
    final class Analyzers: @unchecked Sendable {
        let list: [SceneAnalyzer]
        init(_ list: [SceneAnalyzer]) { self.list = list }
    }

    /// The utterances of one half, in a fixed order.
    func utterances(ravdessRoot: String, tessRoot: String?, actors: String, withTESS: Bool, composer: inout SceneComposer) throws -> [SpeechSample] {
        let set = Set(actors.split(separator: ",").map { String(format: "%02d", Int($0.trimmingCharacters(in: .whitespaces)) ?? -1) })
        var out = try RAVDESS.load(root: ravdessRoot).samples
            .filter { set.contains($0.speaker) && Self.emotions.contains($0.label) && $0.vocalChannel != .song }
            .sorted { $0.path < $1.path }
        guard !out.isEmpty else { throw BenchError("\(ravdessRoot): no RAVDESS speech of actors \(actors)") }
        if withTESS, !tessSpeaker.isEmpty, tessWords > 0 {
            guard let tessRoot else { throw BenchError("TESS folder not found; pass --tess or --tess-speaker ''") }
            let all = try TESS.load(root: tessRoot).samples.filter { $0.speaker == tessSpeaker }
            for e in Self.emotions {
                var files = all.filter { $0.label == e }.sorted { $0.path < $1.path }
                guard files.count >= tessWords else { throw BenchError("\(tessRoot): fewer than \(tessWords) \(e) words of \(tessSpeaker)") }
                for i in stride(from: files.count - 1, to: 0, by: -1) { files.swapAt(i, composer.integer(in: 0...i)) }
                out += files.prefix(tessWords).sorted { $0.path < $1.path }
            }
        }
        return out
    }

    public func run(log progress: BenchLog) throws -> BenchReport {
        let fm = FileManager.default
        let ferRoot = fer2013, ravdessRoot = ravdess
        let tessRoot = tess ?? {
            let c = URL(fileURLWithPath: ferRoot).deletingLastPathComponent().appendingPathComponent("tess").path
            return fm.fileExists(atPath: c) ? c : nil
        }()
        let dir = URL(fileURLWithPath: workDir, isDirectory: true)
        try fm.createDirectory(at: dir.appendingPathComponent("takes"), withIntermediateDirectories: true)

        var composer = SceneComposer(width: 2, height: 2, seed: seed)
        let halves = [
            (calibration: true,
             speech: try utterances(ravdessRoot: ravdessRoot, tessRoot: tessRoot, actors: calibrationActors, withTESS: false, composer: &composer)),
            (calibration: false,
             speech: try utterances(ravdessRoot: ravdessRoot, tessRoot: tessRoot, actors: evaluationActors, withTESS: true, composer: &composer)),
        ]
        // FER2013 validation pictures per emotion, shuffled, then dealt alternately to the two halves: no
        // picture (and so, as far as FER2013 allows, no person) is shown in both.
        var pools: [Bool: [Emotion: [String]]] = [true: [:], false: [:]]
        for e in Self.emotions {
            let folder = ferRoot + "/validation/" + e.rawValue
            var files = (try? fm.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".jpg") }.sorted().map { folder + "/" + $0 } ?? []
            guard files.count >= 12 else { throw BenchError("\(folder): fewer than 12 FER2013 pictures") }
            for i in stride(from: files.count - 1, to: 0, by: -1) { files.swapAt(i, composer.integer(in: 0...i)) }
            pools[true]![e] = files.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            pools[false]![e] = files.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        }
        var next: [String: Int] = [:]
        func threeFaces(_ e: Emotion, calibration: Bool) -> [String] {
            let files = pools[calibration]![e]!
            let key = "\(calibration)-\(e)"
            let k = next[key, default: 0]
            next[key] = k + 3
            return (0..<3).map { files[(k + $0) % files.count] }
        }

        // Build (or reuse) the takes.
        var specs: [TakeSpec] = []
        let t0 = now()
        var pending: [(url: URL, args: [String])] = []
        for half in halves {
            for utterance in half.speech {
                let others = Self.emotions.filter { $0 != utterance.label }
                let wrong = others[composer.integer(in: 0...(others.count - 1))]
                let stem = URL(fileURLWithPath: utterance.path).deletingPathExtension().lastPathComponent
                for faceLabel in [utterance.label, wrong] {
                    let kind = faceLabel == utterance.label ? "congruent" : "incongruent"
                    let name = "\(half.calibration ? "cal" : "eval")-\(stem)-\(kind)-face_\(faceLabel.rawValue).mp4"
                    let url = dir.appendingPathComponent("takes/" + name)
                    let pictures = threeFaces(faceLabel, calibration: half.calibration)
                    let duration = try probe(URL(fileURLWithPath: utterance.path)).duration ?? 3
                    let motion = MovingFaceTake(duration: duration, composer: &composer)
                    if !fm.fileExists(atPath: url.path) {
                        pending.append((url, motion.ffmpegArguments(pictures: pictures, audio: utterance.path, output: url.path + ".part.mp4")))
                    }
                    let speaker = utterance.corpus == .tess ? "TESS \(utterance.speaker)" : "RAVDESS \(utterance.speaker)"
                    specs.append(TakeSpec(url: url, faceLabel: faceLabel, voiceLabel: utterance.label, speaker: speaker, calibration: half.calibration))
                }
            }
        }
        // The takes are independent: build them `jobs` at a time (each appears whole, or not at all).
        let shared = Shared()
        let workers = max(1, jobs)
        let jobsToRun = pending
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: jobsToRun.count, by: workers) where !shared.failed {
                do {
                    _ = try FFmpegCLI.run(jobsToRun[k].args)
                    try FileManager.default.moveItem(atPath: jobsToRun[k].url.path + ".part.mp4", toPath: jobsToRun[k].url.path)
                } catch { shared.fail(error) }
            }
        }
        if let e = shared.error { throw e }
        let built = pending.count
        var manifest = "path,face_label,voice_label,congruent,speaker,split\n"
        for s in specs {
            manifest += "takes/\(s.url.lastPathComponent),\(s.faceLabel),\(s.voiceLabel),\(s.congruent ? 1 : 0),\(s.speaker),"
                + "\(s.calibration ? "calibration" : "evaluation")\n"
        }
        try manifest.write(to: dir.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        let nCal = specs.filter(\.calibration).count
        progress("\(specs.count) takes (calibration \(nCal), evaluation \(specs.count - nCal)) in \(dir.path); \(built) built in \(f1(now() - t0)) s")
        var report = BenchReport()
        if generateOnly { return report }

        // Analyse every take with the defaults (or reuse the analyses and re-judge them with the current code).
        let analysesURL = dir.appendingPathComponent("analyses.json")
        var analyses: [TakeAnalysis] = []
        if !reanalyse, let data = try? Data(contentsOf: analysesURL),
           let old = try? JSONDecoder().decode(TakeComparison.self, from: data).takes,
           old.map({ URL(fileURLWithPath: $0.take).lastPathComponent }) == specs.map(\.url.lastPathComponent) {
            analyses = old
            progress("reusing the \(old.count) analyses in \(analysesURL.path)")
        } else {
            // `jobs` analyzers, each with its own models, over interleaved takes.
            let analyzers = Analyzers(try (0..<workers).map { _ in
                try makeAnalyzer()
            })
            let t1 = now()
            let urls = specs.map(\.url)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for k in stride(from: w, to: urls.count, by: workers) where !shared.failed {
                    do {
                        let a = try analyzers.list[w].analyze(urls[k])
                        shared.store(k, a) { done in
                            if done % 25 == 0 { progress("analysed \(done)/\(urls.count) (\(f1(now() - t1)) s)") }
                        }
                    } catch { shared.fail(error) }
                }
            }
            if let e = shared.error { throw e }
            analyses = specs.indices.map { shared.results[$0]! }
            progress("analysed in \(f1(now() - t1)) s (\(f2((now() - t1) / Double(specs.count))) s per take; shared machine)")
        }
        let labels = analyses.first?.labels ?? Self.emotions.map(\.rawValue)
        // The models' own matrices (from their files: the face model's on FER2013 validation/, the voice model's
        // out of fold on its training speakers), which measure nothing of this benchmark's takes.
        let models = try makeAnalyzer()
        let ownPriors = Self.ownConfusions(face: models.face, voice: models.voice)
        if ownPriors == nil { report.note("the models carry no confusion matrices: the model-corrected candidates are skipped") }
        analyses = analyses.map { TakeAssembler(labels: labels, faceConfusion: ownPriors?.0, voiceConfusion: ownPriors?.1).reassess($0) }
        try JSONReportWriter().write(TakeComparison(takes: analyses, ranking: []), to: analysesURL)

        let cal = specs.indices.filter { specs[$0].calibration }, ev = specs.indices.filter { !specs[$0].calibration }
        let judged = { (idx: [Int]) in idx.filter { !analyses[$0].face.probabilities.isEmpty && !analyses[$0].voice.probabilities.isEmpty } }
        let calJ = judged(cal), evJ = judged(ev)

        // Each model's confusions on the calibration half (top-1 against the known label), as SceneEvaluation
        // counts them, for the confusion-corrected candidates (the models' own out-of-fold matrices replace these once they ship).
        let calibrationScores = SceneEvaluation.run(calJ.map { i in
            (LabelledScene(path: "takes/" + specs[i].url.lastPathComponent, faceLabel: specs[i].faceLabel, voiceLabel: specs[i].voiceLabel), analyses[i])
        })
        func confusion(_ matrix: ConfusionMatrix) -> ConfusionPrior {
            var rows = [[Double]](repeating: [Double](repeating: 0, count: labels.count), count: labels.count)
            for (i, truth) in matrix.labels.enumerated() {
                for (j, predicted) in matrix.labels.enumerated() {
                    if let t = labels.firstIndex(of: truth), let p = labels.firstIndex(of: predicted) { rows[t][p] += Double(matrix.counts[i][j]) }
                }
            }
            return ConfusionPrior(labels: labels, rows: rows)
        }
        let faceConfusion = confusion(calibrationScores.face.confusionMatrix)
        let voiceConfusion = confusion(calibrationScores.voice.confusionMatrix)
        // Take-level temperatures (the take's mean distribution as softmax(log p / T)), fit by NLL on the calibration half.
        func temperature(_ dist: (Int) -> EmotionProbabilities, _ truth: (Int) -> Emotion) -> Double {
            let idx = calJ.filter { labels.contains(truth($0).rawValue) }
            let logits = idx.map { i in labels.map { log(max(1e-9, dist(i)[$0] ?? 0)) } }
            return Calibration.fitTemperature(logits: logits, targets: idx.map { labels.firstIndex(of: truth($0).rawValue)! })
        }
        let faceT = temperature({ analyses[$0].face.probabilities }, { specs[$0].faceLabel })
        let voiceT = temperature({ analyses[$0].voice.probabilities }, { specs[$0].voiceLabel })
        report.note("take-level temperatures fit on the calibration half: face \(f3(faceT)), voice \(f3(voiceT))")
        func features(_ i: Int, corrected: Bool, tempered: Bool = false, own: Bool = false) -> CongruenceFeatures {
            let priors = own ? ownPriors : (corrected ? (faceConfusion, voiceConfusion) : nil)
            return CongruenceProbability.features(face: analyses[i].face.probabilities, voice: analyses[i].voice.probabilities, labels: labels,
                                                  faceConfusion: priors?.0, voiceConfusion: priors?.1,
                                                  faceTemperature: tempered ? faceT : 1, voiceTemperature: tempered ? voiceT : 1)!
        }
        let positives = { (idx: [Int]) in idx.map { specs[$0].congruent } }
        func fit(corrected: Bool, tempered: Bool = false, own: Bool = false, columns: [Int]) -> [Double] {
            let x = calJ.map { i in columns.map { features(i, corrected: corrected, tempered: tempered, own: own).vector[$0] } }
            let w = LogisticRegression.fit(x: x, y: positives(calJ), l2: 1e-2) ?? [0]
            var full = [0.0, 0, 0, 0]
            for (k, c) in columns.enumerated() { full[c] = w[k] }
            return full
        }

        // The candidates for the verdict's score.
        // `corrected`: by matrices counted on the calibration half (never shipped); `own`: by the models' own matrices.
        struct Candidate {
            var name: String; var weights: [Double]?; var corrected: Bool; var tempered = false; var own = false; var score: (Int) -> Double
        }
        let wMatch = fit(corrected: false, columns: [0, 1]), wAll = fit(corrected: false, columns: [0, 1, 2, 3])
        let wMatchC = fit(corrected: true, columns: [0, 1]), wAllC = fit(corrected: true, columns: [0, 1, 2, 3])
        let wMatchT = fit(corrected: false, tempered: true, columns: [0, 1])
        var candidates: [Candidate] = [
            Candidate(name: "1 − JSD (congruence.score)", weights: nil, corrected: false) { analyses[$0].congruence.score ?? 0 },
            Candidate(name: "Σ P(face=e)·P(voice=e)", weights: nil, corrected: false) { features($0, corrected: false).match },
            Candidate(name: "Σ P·P after the confusion correction", weights: nil, corrected: true) { features($0, corrected: true).match },
            Candidate(name: "valence/arousal closeness only", weights: nil, corrected: false) {
                let x = features($0, corrected: false)
                return -(x.valenceGap + x.arousalGap)
            },
            Candidate(name: "logistic: logit(Σ P·P)", weights: wMatch, corrected: false) {
                CongruenceProbability.probability(features($0, corrected: false), weights: wMatch)
            },
            Candidate(name: "logistic: logit(Σ P·P) + valence/arousal gaps", weights: wAll, corrected: false) {
                CongruenceProbability.probability(features($0, corrected: false), weights: wAll)
            },
            Candidate(name: "logistic: logit(Σ P·P) of temperature-scaled distributions", weights: wMatchT, corrected: false, tempered: true) {
                CongruenceProbability.probability(features($0, corrected: false, tempered: true), weights: wMatchT)
            },
            Candidate(name: "logistic: corrected logit(Σ P·P)", weights: wMatchC, corrected: true) {
                CongruenceProbability.probability(features($0, corrected: true), weights: wMatchC)
            },
            Candidate(name: "logistic: corrected logit(Σ P·P) + valence/arousal gaps", weights: wAllC, corrected: true) {
                CongruenceProbability.probability(features($0, corrected: true), weights: wAllC)
            },
        ]
        if ownPriors != nil {
            let wOwn = fit(corrected: false, own: true, columns: [0, 1]), wOwnT = fit(corrected: false, tempered: true, own: true, columns: [0, 1])
            candidates += [
                Candidate(name: "Σ P·P after the models' own confusion correction", weights: nil, corrected: false, own: true) {
                    features($0, corrected: false, own: true).match
                },
                Candidate(name: "logistic: logit(Σ P·P) after the models' own correction", weights: wOwn, corrected: false, own: true) {
                    CongruenceProbability.probability(features($0, corrected: false, own: true), weights: wOwn)
                },
                Candidate(name: "logistic: logit(Σ P·P), temperature-scaled, then the models' own correction", weights: wOwnT, corrected: false,
                          tempered: true, own: true) {
                    CongruenceProbability.probability(features($0, corrected: false, tempered: true, own: true), weights: wOwnT)
                },
            ]
        }
        func auc(_ c: Candidate, _ idx: [Int]) -> Double {
            let r = rocAUC(scores: idx.map(c.score), positives: positives(idx))
            return r.isValid ? r.value : .nan
        }
        struct CandidateRow: Codable { var name: String; var weights: [Double]?; var calibrationAuc: Double; var evaluationAuc: Double }
        let candidateRows = candidates.map { CandidateRow(name: $0.name, weights: $0.weights, calibrationAuc: auc($0, calJ), evaluationAuc: auc($0, evJ)) }
        report.note("")
        report.note("Candidates for the verdict's score (ROC AUC, congruent vs incongruent; fit and chosen on the calibration half):")
        var candidateTable = MarkdownTable(["candidate", "calibration AUC", "evaluation AUC", "weights [bias, logit match, valence gap, arousal gap]"])
        for r in candidateRows {
            candidateTable.append([r.name, f3(r.calibrationAuc), f3(r.evaluationAuc), r.weights.map { $0.map(f3).joined(separator: ", ") } ?? "-"])
        }
        report.add(candidateTable)
        // The shipped verdict needs a probability the models can provide today: the best uncorrected logistic
        // candidate on the calibration half (the corrected ones wait for the models' own confusion matrices).
        // A candidate must also make sense: a wider valence or arousal gap can never raise the probability that
        // face and voice express the same emotion (a fit with a positive gap weight explains the calibration
        // takes by an accident of its features, and would keep a happy face over a fearful voice because the
        // valence disagrees), nor may a better match lower it.
        func sensible(_ w: [Double]) -> Bool { w.count == 4 && w[1] >= 0 && w[2] <= 0 && w[3] <= 0 }
        let shippable = candidates.indices.filter {
            guard let w = candidates[$0].weights else { return false }
            return !candidates[$0].corrected && sensible(w)
        }
        let chosen = shippable.max { candidateRows[$0].calibrationAuc < candidateRows[$1].calibrationAuc }!
        func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        let weights = candidates[chosen].weights!.map(r3)
        report.note("chosen: \(candidates[chosen].name), weights [\(weights.map(f3).joined(separator: ", "))]")

        // Thresholds on the calibration half.
        var probe = VerdictPolicy()
        probe.probabilityWeights = weights
        probe.faceTemperature = candidates[chosen].tempered ? r3(faceT) : 1
        probe.voiceTemperature = candidates[chosen].tempered ? r3(voiceT) : 1
        probe.confusionCorrection = candidates[chosen].own
        // For takes whose models carry no confusion matrix: the best uncorrected fit, on the same inputs otherwise.
        probe.uncorrectedWeights = (candidates[chosen].tempered ? wMatchT : wMatch).map(r3)
        // Every policy is judged with the models' own matrices at hand (used when the policy's confusion_correction says so).
        func assembler(_ policy: VerdictPolicy) -> TakeAssembler {
            TakeAssembler(labels: labels, policy: policy, faceConfusion: ownPriors?.0, voiceConfusion: ownPriors?.1)
        }
        let calP = calJ.map { assembler(probe).reassess(analyses[$0]).congruence.probability ?? 0 }
        guard let cut = bestThreshold(scores: calP, positives: positives(calJ)),
              let band = SelectiveClassification.band(scores: calP, positives: positives(calJ), threshold: cut.threshold, minCoverage: minCoverage) else {
            throw BenchError("the calibration half could not be judged")
        }
        var decide = probe
        decide.retakeBelow = r3(cut.threshold); decide.keepAbove = r3(cut.threshold); decide.spanBelow = r3(band.low)
        var abstain = decide
        abstain.retakeBelow = r3(band.low); abstain.keepAbove = r3(band.high)
        report.note("calibrated: retake_below \(f3(abstain.retakeBelow)), keep_above \(f3(abstain.keepAbove)) "
            + "(band deciding \(f3(band.coverage)) of the calibration takes at balanced accuracy \(f3(band.balancedAccuracy))); "
            + "without abstention the cut is \(f3(decide.retakeBelow)) (balanced accuracy \(f3(cut.balancedAccuracy))); "
            + "span_below \(f3(abstain.spanBelow))")

        // Scored by SceneEvaluation.
        struct Row: Codable {
            var split: String, policy: String, takes: Int
            var balancedAccuracy: Double?, balancedAccuracyAll: Double?, decided: Double?
            var rocAucProbability: Double?, rocAucScore: Double?
            var keepOnCongruent: Int, retakeOnIncongruent: Int, unsure: Int, faceAccuracy: Double?, voiceAccuracy: Double?
        }
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        func evaluate(_ idx: [Int], _ policy: VerdictPolicy) -> SceneEvaluation {
            let judge = assembler(policy)
            return SceneEvaluation.run(idx.map { i in
                (LabelledScene(path: "takes/" + specs[i].url.lastPathComponent, faceLabel: specs[i].faceLabel, voiceLabel: specs[i].voiceLabel),
                 judge.reassess(analyses[i]))
            })
        }
        var rows: [Row] = []
        let policies = [("shipped defaults", VerdictPolicy()), ("calibrated, no abstention", decide), ("calibrated, with abstention", abstain)]
        for (split, idx) in [("calibration", cal), ("evaluation", ev), ("evaluation: RAVDESS", ev.filter { specs[$0].speaker.hasPrefix("RAVDESS") }),
                             ("evaluation: TESS", ev.filter { specs[$0].speaker.hasPrefix("TESS") })] where !idx.isEmpty {
            for (name, policy) in policies {
                let e = evaluate(idx, policy)
                rows.append(Row(split: split, policy: name, takes: e.scenes, balancedAccuracy: finite(e.balancedAccuracy),
                                balancedAccuracyAll: finite(e.balancedAccuracyAll), decided: finite(e.decidedShare),
                                rocAucProbability: finite(e.rocAUCProbability), rocAucScore: finite(e.rocAUCScore),
                                keepOnCongruent: e.congruent.keep, retakeOnIncongruent: e.incongruent.retake, unsure: e.overall.unsure,
                                faceAccuracy: finite(e.face.accuracy), voiceAccuracy: finite(e.voice.accuracy)))
            }
        }
        func o3(_ x: Double?) -> String { x.map(f3) ?? "-" }
        report.note("")
        var table = MarkdownTable(["split", "policy", "takes", "balanced accuracy (decided)", "decided", "ROC AUC of probability", "ROC AUC of score",
                                   "keep on congruent", "retake on incongruent", "face top-1", "voice top-1"])
        for r in rows {
            table.append([r.split, r.policy, "\(r.takes)", o3(r.balancedAccuracy), o3(r.decided), o3(r.rocAucProbability), o3(r.rocAucScore),
                          "\(r.keepOnCongruent)", "\(r.retakeOnIncongruent)", o3(r.faceAccuracy), o3(r.voiceAccuracy)])
        }
        report.add(table)

        // Accuracy-coverage on the evaluation half: decide only the takes farthest from the cut.
        let evP = evJ.map { assembler(decide).reassess(analyses[$0]).congruence.probability ?? 0 }
        let coverages = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5]
        let curve = SelectiveClassification.accuracyCoverage(scores: evP, positives: positives(evJ), threshold: decide.retakeBelow, coverages: coverages)
        report.note("")
        report.note("Accuracy-coverage, evaluation half (\(evJ.count) judged takes; the undecided are those nearest the cut \(f3(decide.retakeBelow))):")
        var coverage = MarkdownTable(["decided"] + curve.map { f2($0.coverage) })
        coverage.append(["balanced accuracy"] + curve.map { f3($0.balancedAccuracy) })
        report.add(coverage)

        struct Point: Codable { var coverage: Double; var balancedAccuracy: Double? }
        struct Summary: Codable {
            var takes: Int; var calibrationTakes: Int; var evaluationTakes: Int
            var candidates: [CandidateRow]; var chosen: String; var policy: VerdictPolicy; var policyWithoutAbstention: VerdictPolicy
            var rows: [Row]; var evaluationAccuracyCoverage: [Point]
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.keyEncodingStrategy = .convertToSnakeCase
        let data = try enc.encode(Summary(takes: specs.count, calibrationTakes: cal.count, evaluationTakes: ev.count, candidates: candidateRows,
                                          chosen: candidates[chosen].name, policy: abstain, policyWithoutAbstention: decide, rows: rows,
                                          evaluationAccuracyCoverage: curve.map {
                                              Point(coverage: $0.coverage, balancedAccuracy: finite($0.balancedAccuracy))
                                          }))
        try data.write(to: dir.appendingPathComponent("results.json"))
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
        return report
    }
}
