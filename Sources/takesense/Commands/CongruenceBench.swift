import ArgumentParser
import Datasets
import Director
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis
import Stats
import Training

/// `takesense bench congruence`: the calibration and evaluation benchmark of the verdict.
struct CongruenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "congruence",
        abstract: "Congruent and incongruent takes built from real faces and real voices: calibrates and evaluates the verdict.",
        discussion: """
        Generates short takes (640x360 25 fps H.264 + AAC, ffmpeg CLI): a real RAVDESS utterance of one of the five \
        emotions FER2013 and RAVDESS share (angry, fear, happy, neutral, sad) over a face made of three FER2013 \
        validation pictures of one emotion, shown one after another (each a third of the take, 150 px, at a seeded \
        place on a noisy backdrop). Every utterance gives one congruent take (faces of its own emotion) and one \
        incongruent take (faces of another emotion, chosen at random with --seed). Voices come from the actors the \
        shipped voice model never trained on (19, 20 by default). Every take is analysed with the default models. \
        The verdict's thresholds (retake_below = span_below) are calibrated on the --calibrate actor's takes by \
        balanced accuracy and evaluated on the others; the ROC AUC of congruence.score is reported for both. \
        Writes manifest.csv (path,face_label,voice_label,congruent,actor), analyses.json and results.json into --work-dir.
        """
    )

    @Option(help: "FER2013 image folders (default: ../shared/data/fer2013).") var fer: String?
    @Option(help: "RAVDESS speech folder (default: ../shared/data/ravdess).") var ravdess: String?
    @Option(help: "RAVDESS actors whose utterances are used.") var actors = "19,20"
    @Option(help: "Actor whose takes calibrate the thresholds; the others evaluate them.") var calibrate = "19"
    @Option(help: "Folder for takes and results (kept; takes already there are reused).") var workDir = ".build-bench/congruence"
    @Option var seed: UInt64 = 7
    @Option(help: "Write the summary as JSON here too.") var json: String?
    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions

    static let emotions: [Emotion] = [.angry, .fear, .happy, .neutral, .sad]

    struct TakeSpec {
        var url: URL
        var faceLabel: Emotion
        var voiceLabel: Emotion
        var actor: String
        var congruent: Bool { faceLabel == voiceLabel }
    }

    func run() throws {
        try engine.apply()
        try oneLine { try measure() }
    }

    func measure() throws {
        let fm = FileManager.default
        let ferRoot = try fer2013Folder(fer) + "/validation"
        let ravdessRoot = try ravdessFolder(ravdess, fer: fer)
        let actorSet = Set(actors.split(separator: ",").map { String(format: "%02d", Int($0.trimmingCharacters(in: .whitespaces)) ?? -1) })
        let calibrationActor = String(format: "%02d", Int(calibrate) ?? -1)
        let dir = URL(fileURLWithPath: workDir, isDirectory: true)
        try fm.createDirectory(at: dir.appendingPathComponent("takes"), withIntermediateDirectories: true)

        let speech = try RAVDESS.load(root: ravdessRoot).samples
            .filter { actorSet.contains($0.speaker) && Self.emotions.contains($0.label) && $0.vocalChannel != .song }
            .sorted { $0.path < $1.path }
        guard !speech.isEmpty else { throw Failure("\(ravdessRoot): no RAVDESS speech of actors \(actors)") }
        var composer = SceneComposer(width: 2, height: 2, seed: seed)
        var faces: [Emotion: [String]] = [:]
        for e in Self.emotions {
            let folder = ferRoot + "/" + e.rawValue
            var files = (try? fm.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".jpg") }.sorted().map { folder + "/" + $0 } ?? []
            guard files.count >= 3 else { throw Failure("\(folder): fewer than 3 FER2013 pictures") }
            for i in stride(from: files.count - 1, to: 0, by: -1) { files.swapAt(i, composer.integer(in: 0...i)) }
            faces[e] = files
        }
        var next: [Emotion: Int] = [:]
        func threeFaces(_ e: Emotion) -> [String] {
            let files = faces[e]!
            let k = next[e, default: 0]
            next[e] = k + 3
            return (0..<3).map { files[(k + $0) % files.count] }
        }

        // Build (or reuse) the takes.
        var specs: [TakeSpec] = []
        let t0 = now()
        for (i, utterance) in speech.enumerated() {
            let others = Self.emotions.filter { $0 != utterance.label }
            let wrong = others[composer.integer(in: 0...(others.count - 1))]
            for faceLabel in [utterance.label, wrong] {
                let kind = faceLabel == utterance.label ? "congruent" : "incongruent"
                let name = String(format: "%03d-%@-face_%@-voice_%@-actor%@.mp4", i, kind, faceLabel.rawValue, utterance.label.rawValue, utterance.speaker)
                let url = dir.appendingPathComponent("takes/" + name)
                let pictures = threeFaces(faceLabel)
                let x = composer.integer(in: 120...370), y = composer.integer(in: 30...150), side = composer.integer(in: 130...170)
                if !fm.fileExists(atPath: url.path) {
                    try makeTake(url, audio: utterance.path, faces: pictures, x: x, y: y, side: side)
                }
                specs.append(TakeSpec(url: url, faceLabel: faceLabel, voiceLabel: utterance.label, actor: utterance.speaker))
            }
        }
        var manifest = "path,face_label,voice_label,congruent,actor\n"
        for s in specs { manifest += "takes/\(s.url.lastPathComponent),\(s.faceLabel),\(s.voiceLabel),\(s.congruent ? 1 : 0),\(s.actor)\n" }
        try manifest.write(to: dir.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        print("\(specs.count) takes from \(speech.count) utterances of actors \(actorSet.sorted().joined(separator: ",")) in \(dir.path) (\(f1(now() - t0)) s to build)")

        // Analyse every take with the defaults.
        let analyzer = try AnalyzeRunner.makeAnalyzer(faceModel: nil, voiceModel: nil, detection: detection, options: .init())
        var analyses: [TakeAnalysis] = []
        var progress = ProgressLine()
        let t1 = now()
        for (i, s) in specs.enumerated() {
            analyses.append(try analyzer.analyze(s.url))
            progress.update("analysing", fraction: Double(i + 1) / Double(specs.count), detail: "", elapsed: now() - t1)
        }
        progress.finish()
        try JSONReportWriter().write(TakeComparison(takes: analyses, ranking: []), to: dir.appendingPathComponent("analyses.json"))
        print("analysed in \(f1(now() - t1)) s (\(f2((now() - t1) / Double(specs.count))) s per take)")

        // Calibrate on one actor, evaluate on the others.
        let labels = analyzer.labels
        let calibration = specs.indices.filter { specs[$0].actor == calibrationActor }
        let evaluation = specs.indices.filter { specs[$0].actor != calibrationActor }
        let judged = { (idx: [Int]) in idx.filter { analyses[$0].congruence.score != nil } }
        guard let best = bestThreshold(scores: judged(calibration).map { analyses[$0].congruence.score! },
                                       positives: judged(calibration).map { specs[$0].congruent }) else {
            throw Failure("no calibration takes of actor \(calibrationActor) could be judged")
        }
        let threshold = (best.threshold * 1000).rounded() / 1000
        var policy = VerdictPolicy()
        policy.retakeBelow = threshold
        policy.spanBelow = threshold
        let assembler = TakeAssembler(labels: labels, policy: policy)
        let rejudged = analyses.map { assembler.reassess($0) }

        struct Row: Codable {
            var split: String, takes: Int, congruent: Int, incongruent: Int
            var auc: Double?, keepOnCongruent: Double, retakeOnIncongruent: Double, verdictAccuracy: Double
            var unsure: Int, faceAccuracy: Double, voiceAccuracy: Double
        }
        func row(_ name: String, _ idx: [Int], _ verdicts: [TakeAnalysis]) -> Row {
            let cong = idx.filter { specs[$0].congruent }, inc = idx.filter { !specs[$0].congruent }
            let j = judged(idx)
            let auc = rocAUC(scores: j.map { analyses[$0].congruence.score! }, positives: j.map { specs[$0].congruent })
            let keep = Double(cong.filter { verdicts[$0].verdict.decision == .keep }.count) / Double(max(1, cong.count))
            let retake = Double(inc.filter { verdicts[$0].verdict.decision == .retake }.count) / Double(max(1, inc.count))
            let correct = cong.filter { verdicts[$0].verdict.decision == .keep }.count + inc.filter { verdicts[$0].verdict.decision == .retake }.count
            let face = Double(idx.filter { analyses[$0].face.emotion == specs[$0].faceLabel.rawValue }.count) / Double(max(1, idx.count))
            let voice = Double(idx.filter { analyses[$0].voice.emotion == specs[$0].voiceLabel.rawValue }.count) / Double(max(1, idx.count))
            return Row(split: name, takes: idx.count, congruent: cong.count, incongruent: inc.count, auc: auc.isValid ? auc.value : nil,
                       keepOnCongruent: keep, retakeOnIncongruent: retake, verdictAccuracy: Double(correct) / Double(max(1, idx.count)),
                       unsure: idx.filter { verdicts[$0].verdict.decision == .unsure }.count, faceAccuracy: face, voiceAccuracy: voice)
        }
        let rows = [
            row("calibration (actor \(calibrationActor)), default thresholds", calibration, analyses),
            row("calibration (actor \(calibrationActor)), calibrated", calibration, rejudged),
            row("evaluation (other actors), default thresholds", evaluation, analyses),
            row("evaluation (other actors), calibrated", evaluation, rejudged),
            row("all, calibrated", specs.indices.map { $0 }, rejudged),
        ]
        print("Calibrated retake_below = span_below = \(threshold) (balanced accuracy \(f3(best.balancedAccuracy)) on actor \(calibrationActor)); default \(VerdictPolicy().retakeBelow)")
        print("| split | takes (cong./incong.) | ROC AUC of score | keep on congruent | retake on incongruent | verdict accuracy | unsure | face top-1 | voice top-1 |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows {
            print("| \(r.split) | \(r.takes) (\(r.congruent)/\(r.incongruent)) | \(r.auc.map(f3) ?? "-") | \(f3(r.keepOnCongruent)) | \(f3(r.retakeOnIncongruent)) | \(f3(r.verdictAccuracy)) | \(r.unsure) | \(f3(r.faceAccuracy)) | \(f3(r.voiceAccuracy)) |")
        }
        struct Summary: Codable { var threshold: Double; var calibrationBalancedAccuracy: Double; var rows: [Row] }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.keyEncodingStrategy = .convertToSnakeCase
        let data = try enc.encode(Summary(threshold: threshold, calibrationBalancedAccuracy: best.balancedAccuracy, rows: rows))
        try data.write(to: dir.appendingPathComponent("results.json"))
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
    }

    /// One take: three face pictures in turn over a noisy backdrop, with the utterance as its sound.
    func makeTake(_ url: URL, audio: String, faces: [String], x: Int, y: Int, side: Int) throws {
        let duration = try probe(URL(fileURLWithPath: audio)).duration ?? 3
        let t1 = duration / 3, t2 = 2 * duration / 3
        var args = ["-f", "lavfi", "-i", "color=c=0x3a4250:s=640x360:r=25:d=\(duration)"]
        for f in faces { args += ["-loop", "1", "-framerate", "25", "-t", "\(duration)", "-i", f] }
        args += ["-i", audio]
        let filter = "[0]noise=alls=10:allf=t[bg];[1]scale=\(side):\(side)[a];[2]scale=\(side):\(side)[b];[3]scale=\(side):\(side)[c];"
            + "[bg][a]overlay=\(x):\(y):enable='lt(t,\(t1))'[p];[p][b]overlay=\(x):\(y):enable='between(t,\(t1),\(t2))'[q];"
            + "[q][c]overlay=\(x):\(y):enable='gt(t,\(t2))',format=yuv420p[v]"
        args += ["-filter_complex", filter, "-map", "[v]", "-map", "4:a", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                 "-c:a", "aac", "-b:a", "96k", "-t", "\(duration)", url.path + ".part.mp4"]
        _ = try runFFmpeg(args)
        try FileManager.default.moveItem(atPath: url.path + ".part.mp4", toPath: url.path)
    }
}
