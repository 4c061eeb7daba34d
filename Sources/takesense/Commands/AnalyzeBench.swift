import ArgumentParser
import Director
import Foundation
import Media
import SceneAnalysis

/// `takesense bench analyze`: the whole of `takesense analyze` against ffmpeg's decode of the same take.
struct AnalyzeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "takesense analyze end to end on a 60 s 1080p25 take with a face and speech, vs `ffmpeg -i take -f null -`.",
        discussion: """
        Generates (unless --take is given) a 60 s 1920x1080 25 fps H.264 take with AAC sound with the ffmpeg CLI: a \
        FER2013 face (360 px) moving over testsrc2 (as `bench media`) and 16 RAVDESS utterances of actor 20 back to \
        back (about 60 s of speech with pauses). Rounds alternate ffmpeg's full decode (video and audio) and \
        TakeSense's analysis with default settings (models loaded once, before timing); the best round of each is \
        kept, and the per-round ratios are printed. Peak resident memory is TakeSense's own (VmHWM, reset before each \
        run, models included). With --long-minutes N a take N minutes long (the 60 s one repeated) runs once each way.
        """
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var detection: DetectorOptions
    @Option(help: "An existing take (default: generate one).") var take: String?
    @Option(help: "FER2013 image folders, for the generated take's face.") var data: String?
    @Option(help: "RAVDESS speech folder, for the generated take's voice (default: next to FER2013).") var ravdess: String?
    @Option(help: "Alternating rounds.") var rounds = 3
    @Option(help: "Also run a take this many minutes long (0: skip).") var longMinutes = 10
    @Option(help: "Where generated takes go (kept; reused when present).") var workDir = ".build-bench/analyze"

    func run() throws {
        try engine.apply()
        try oneLine { try measure() }
    }

    func measure() throws {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: workDir, isDirectory: true)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let takeURL: URL
        if let take {
            takeURL = URL(fileURLWithPath: take)
        } else {
            takeURL = dir.appendingPathComponent("take-60s-1080p25-speech.mp4")
            if !fm.fileExists(atPath: takeURL.path) {
                let fer = try fer2013Folder(data)
                let voices = try ravdessFolder(ravdess, fer: data)
                let actor = voices + "/Actor_20"
                let clips = ((try? fm.contentsOfDirectory(atPath: actor)) ?? []).filter { $0.hasPrefix("03-01-") && $0.hasSuffix(".flac") }.sorted()
                guard clips.count >= 16 else { throw Failure("\(actor): needs 16 RAVDESS speech files; pass --ravdess or --take") }
                let chosen = stride(from: 0, to: clips.count, by: clips.count / 16).prefix(16).map { actor + "/" + clips[$0] }
                var args = ["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-loop", "1", "-i", fer + "/validation/happy/PublicTest_10130075.jpg"]
                for c in chosen { args += ["-i", c] }
                let audio = (0..<16).map { "[\($0 + 2):a]" }.joined() + "concat=n=16:v=0:a=1,apad[a]"
                args += ["-filter_complex", "[1]format=gray,scale=360:360[f];[0][f]overlay=x='780+300*sin(2*PI*t/30)':y='300+80*sin(2*PI*t/20)':shortest=1[v];" + audio,
                         "-map", "[v]", "-map", "[a]", "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                         "-c:a", "aac", "-b:a", "128k", takeURL.path]
                print("generating \(takeURL.path) ...")
                _ = try runFFmpeg(args)
            }
        }
        resetPeakMemory()
        let analyzer = try AnalyzeRunner.makeAnalyzer(faceModel: nil, voiceModel: nil, detection: detection, options: .init())
        let modelsPeak = peakMemoryMiB()
        print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset"); "
              + "default settings (5 fps, \(detection.detector.rawValue), voice-activity segments); best of \(rounds) alternating rounds; models loaded: \(f1(modelsPeak)) MiB")

        func ours(_ url: URL) throws -> (seconds: Double, cpu: Double, peak: Double, result: TakeAnalysis) {
            resetPeakMemory()
            let t0 = now(), c0 = cpuSeconds()
            let r = try analyzer.analyze(url)
            return (now() - t0, cpuSeconds() - c0, peakMemoryMiB(), r)
        }
        var best = (ffmpeg: Double.infinity, ffmpegCPU: Double.infinity, ours: Double.infinity, oursCPU: Double.infinity, peak: 0.0)
        var ratios: [Double] = []
        var last: TakeAnalysis?
        for round in 0..<max(1, rounds) {
            var pair = (ffmpeg: 0.0, ours: 0.0)
            for step in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                if step == 0 {
                    let f = try runFFmpeg(["-i", takeURL.path, "-f", "null", "-"])
                    pair.ffmpeg = f.seconds
                    best.ffmpeg = min(best.ffmpeg, f.seconds)
                    best.ffmpegCPU = min(best.ffmpegCPU, f.cpu)
                } else {
                    let r = try ours(takeURL)
                    pair.ours = r.seconds
                    best.ours = min(best.ours, r.seconds)
                    best.oursCPU = min(best.oursCPU, r.cpu)
                    best.peak = max(best.peak, r.peak)
                    last = r.result
                }
            }
            ratios.append(pair.ours / pair.ffmpeg)
            print("  round \(round + 1): ffmpeg \(f2(pair.ffmpeg)) s, TakeSense analyze \(f2(pair.ours)) s (ratio \(f2(pair.ours / pair.ffmpeg)))")
        }
        print("")
        print("| take | ffmpeg -f null: wall (s) | CPU (s) | takesense analyze: wall (s) | CPU (s) | wall ratio | CPU ratio | peak RSS (MiB) | face frames | speech segments | verdict |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        func row(_ name: String, _ fw: Double, _ fc: Double, _ ow: Double, _ oc: Double, _ peak: Double, _ r: TakeAnalysis) {
            print("| \(name) | \(f2(fw)) | \(f2(fc)) | \(f2(ow)) | \(f2(oc)) | \(f2(ow / fw)) | \(f2(oc / fc)) | \(f1(peak)) | \(r.face.frames.count)/\(r.face.sampledFrames) | \(r.voice.segments.count) | \(r.verdict.decision.rawValue) |")
        }
        if let r = last { row("60 s 1080p25", best.ffmpeg, best.ffmpegCPU, best.ours, best.oursCPU, best.peak, r) }
        if longMinutes > 0 {
            let long = try repeatedTake(takeURL, minutes: longMinutes, to: dir.appendingPathComponent("take-\(longMinutes)min-1080p25-speech.mp4"))
            let f = try runFFmpeg(["-i", long.path, "-f", "null", "-"])
            let r = try ours(long)
            row("\(longMinutes) min 1080p25", f.seconds, f.cpu, r.seconds, r.cpu, r.peak, r.result)
        }
        let sorted = ratios.sorted()
        print("")
        print("Per-round wall ratios (same round): \(ratios.map(f2).joined(separator: ", ")); median \(f2(sorted[sorted.count / 2]))")
    }
}
