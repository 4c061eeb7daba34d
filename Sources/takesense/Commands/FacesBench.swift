import ArgumentParser
import Faces
import Foundation
import Media
import Torch

// `takesense bench faces` and `takesense bench media`: the face-detection and media-pipeline
// benchmarks recorded in BENCHMARKS.md.

/// Where the FER2013 image folders are: --data, `TAKESENSE_SHARED_DATA/fer2013`, or `../shared/data/fer2013`
/// beside the repository (or the working directory).
func fer2013Folder(_ override: String?) throws -> String {
    if let override { return override }
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"] { candidates.append(env + "/fer2013") }
    let repo = BundledModels.directory.deletingLastPathComponent()
    candidates.append(repo.deletingLastPathComponent().appendingPathComponent("shared/data/fer2013").path)
    candidates.append("../shared/data/fer2013")
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/validation") }) else {
        throw Failure("FER2013 image folders not found (looked in \(candidates.joined(separator: ", "))); pass --data")
    }
    return found
}

/// Where RAVDESS is: `override`, or `ravdess/` beside the FER2013 folder that `fer2013Folder(fer)` finds.
func ravdessFolder(_ override: String?, fer: String?) throws -> String {
    if let override { return override }
    let ferRoot = try fer2013Folder(fer)
    let candidate = URL(fileURLWithPath: ferRoot).deletingLastPathComponent().appendingPathComponent("ravdess").path
    guard FileManager.default.fileExists(atPath: candidate) else { throw Failure("RAVDESS folder not found next to \(ferRoot); pass --ravdess") }
    return candidate
}

/// FER2013 validation faces (all classes), in a seeded order.
func fer2013Faces(_ root: String, count: Int, seed: UInt64) throws -> [PixelBuffer] {
    let fm = FileManager.default
    var files: [String] = []
    for label in try fm.contentsOfDirectory(atPath: root + "/validation").sorted() {
        let dir = root + "/validation/" + label
        files += (try? fm.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".jpg") }.sorted().map { dir + "/" + $0 } ?? []
    }
    guard !files.isEmpty else { throw Failure("\(root)/validation: no FER2013 images found") }
    var composer = SceneComposer(width: 2, height: 2, seed: seed)
    for i in stride(from: files.count - 1, to: 0, by: -1) { files.swapAt(i, composer.integer(in: 0...i)) }
    return try files.prefix(count).map { PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: $0), format: .gray)) }
}

/// Resets the process's peak resident memory (Linux ≥ 4.0) so that the next phase is measured alone.
func resetPeakMemory() {
    if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        h.write(Data("5".utf8))
        try? h.close()
    }
}

/// Peak resident memory since the last reset, in MiB (VmHWM).
func peakMemoryMiB() -> Double {
    let status = FileHandle(forReadingAtPath: "/proc/self/status").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
    return 0
}

/// `take` repeated `minutes` times (a 60 s take → that many minutes), stream-copied into `url` unless it exists.
func repeatedTake(_ take: URL, minutes: Int, to url: URL) throws -> URL {
    guard !FileManager.default.fileExists(atPath: url.path) else { return url }
    let list = url.deletingLastPathComponent().appendingPathComponent("concat.txt")
    try String(repeating: "file '\(take.path)'\n", count: minutes).write(to: list, atomically: true, encoding: .utf8)
    _ = try runFFmpeg(["-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy", url.path])
    return url
}

/// Runs the ffmpeg CLI (quiet, overwriting); returns its wall-clock and CPU seconds.
func runFFmpeg(_ args: [String]) throws -> (seconds: Double, cpu: Double) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    p.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + args
    p.standardOutput = FileHandle.nullDevice
    let err = Pipe()
    p.standardError = err
    let t0 = now(), c0 = cpuSeconds(children: true)
    do { try p.run() } catch { throw Failure("/usr/bin/ffmpeg: cannot run (\(error.localizedDescription)); apt-get install ffmpeg") }
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let elapsed = now() - t0, cpu = cpuSeconds(children: true) - c0
    guard p.terminationStatus == 0 else {
        throw Failure("ffmpeg \(args.joined(separator: " ")) failed: \(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return (elapsed, cpu)
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds (user + system) used so far by this process, or by its waited-for children.
func cpuSeconds(children: Bool = false) -> Double {
    var usage = rusage()
    _ = getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func f1(_ x: Double) -> String { String(format: "%.1f", x) }
func f2(_ x: Double) -> String { String(format: "%.2f", x) }
func f3(_ x: Double) -> String { String(format: "%.3f", x) }

struct FacesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Haar cascade vs MTCNN on FER2013 faces composed into frames: recall, false positives, speed.",
        discussion: """
        Face frames hold 1-3 FER2013 validation faces (sides 12-50% of the frame height, random positions, \
        plain/noisy/gradient/clutter backgrounds); empty frames have the same backgrounds and no face. A detection \
        finds a face when their IoU is at least 0.3 (one to one). Each detector runs at several strictness \
        settings (Haar minNeighbors, MTCNN O-Net threshold) so that recall can be compared at equal false \
        positives. Times are medians per frame (gray input, shrinking included), the two detectors alternating.
        """
    )

    @OptionGroup var engine: EngineOptions
    @Option(help: "FER2013 image folders (default: shared/data/fer2013).") var data: String?
    @Option(help: "Frames with faces.") var faceFrames = 150
    @Option(help: "Frames without faces.") var emptyFrames = 60
    @Option(help: "Frames timed per size and detector.") var timedFrames = 20
    @Option var seed: UInt64 = 2013
    @Option(help: "Detection picture size (longest side).") var detectionSize = 640
    @Option(help: "Smallest face side in detection pixels.") var minFace = 40
    @Option(help: "MTCNN weights.") var mtcnnWeights: String?
    @Flag(help: "Only the speed table.") var timingOnly = false
    @Option(help: "OpenCV worker threads for the Haar cascade (default: OpenCV's own choice).") var opencvThreads: Int?

    func run() throws {
        try engine.apply()
        try oneLine { try measure() }
    }

    func measure() throws {
        let root = try fer2013Folder(data)
        let weights = try BundledModels.mtcnn(mtcnnWeights)
        let faces = try fer2013Faces(root, count: faceFrames * 3, seed: seed)
        let width = 1280, height = 720
        let fractions = [0.12, 0.18, 0.26, 0.36, 0.5]
        var composer = SceneComposer(width: width, height: height, seed: seed)
        var frames: [(PixelBuffer, [FaceBox])] = []
        var next = 0
        for i in 0..<faceFrames {
            let n = 1 + i % 3
            var items: [(picture: PixelBuffer, side: Int)] = []
            for _ in 0..<n {
                items.append((faces[next % faces.count], Int(Double(height) * fractions[composer.integer(in: 0...(fractions.count - 1))])))
                next += 1
            }
            frames.append(try composer.compose(faces: items, on: SceneComposer.Background.allCases[i % 4]))
        }
        for i in 0..<emptyFrames {
            frames.append(try composer.compose(faces: [], on: SceneComposer.Background.allCases[i % 4]))
        }
        let totalFaces = frames.reduce(0) { $0 + $1.1.count }
        print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, libtorch \(Torch.version) (\(Torch.threads) threads), OpenCV \(OpenCV.version), "
              + "OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset")")
        print("Data: \(faceFrames) frames \(width)x\(height) with \(totalFaces) FER2013 faces (sides \(fractions.map { Int(Double(height) * $0) }) px), "
              + "\(emptyFrames) frames without a face; detection on \(detectionSize) px, minimum face \(minFace) px; seed \(seed)")
        print("")
        print("| detector | setting | recall | FP per frame | FP per empty frame |")
        print("|---|---|---:|---:|---:|")
        func evaluate(_ detector: any FaceDetecting, _ setting: String) throws -> (recall: Double, fp: Double) {
            var found = 0, fp = 0, fpEmpty = 0
            for (frame, truth) in frames {
                let m = DetectionMatching.match(detections: try detector.detect(in: frame), truth: truth)
                found += m.found
                fp += m.falsePositives
                if truth.isEmpty { fpEmpty += m.falsePositives }
            }
            let recall = Double(found) / Double(max(1, totalFaces)), perFrame = Double(fp) / Double(frames.count)
            print("| \(detector.name) | \(setting) | \(f3(recall)) | \(f3(perFrame)) | \(f3(Double(fpEmpty) / Double(max(1, emptyFrames)))) |")
            return (recall, perFrame)
        }
        let size: Int? = detectionSize > 0 ? detectionSize : nil
        if let opencvThreads { OpenCV.setThreads(opencvThreads) }
        let networks = try MTCNNNetworks()
        try networks.load(contentsOf: weights)
        if !timingOnly {
        for k in [3, 5, 8, 12] {
            let d = try HaarCascadeDetector(configuration: .init(minNeighbors: k, minFaceSize: minFace, detectionSize: size))
            _ = try evaluate(d, "minNeighbors \(k)" + (k == 5 ? " (study)" : ""))
        }
        for t in [0.7, 0.9, 0.97, 0.99] {
            let d = try MTCNNDetector(networks: networks, configuration: .init(minFaceSize: Double(minFace), thresholds: [0.6, 0.7, t], detectionSize: size))
            _ = try evaluate(d, "thresholds 0.6/0.7/\(t)" + (t == 0.7 ? " (facenet)" : ""))
        }
        }

        // Speed on full-size frames (gray, as the take pipeline reads them), detectors alternating.
        print("")
        print("| detector (default setting) | ms per 1280x720 frame | CPU ms | ms per 1920x1080 frame | CPU ms |")
        print("|---|---:|---:|---:|---:|")
        let haar = try HaarCascadeDetector(configuration: .init(minFaceSize: minFace, detectionSize: size))
        let mtcnn = try MTCNNDetector(networks: networks, configuration: .init(minFaceSize: Double(minFace), detectionSize: size))
        var results: [String: [String: Double]] = [:]
        for (w, h) in [(1280, 720), (1920, 1080)] {
            var c = SceneComposer(width: w, height: h, seed: seed + UInt64(w))
            var timed: [PixelBuffer] = []
            for i in 0..<timedFrames {
                let n = i % 4  // 0-3 faces
                let items = (0..<n).map { j in (picture: faces[(i * 3 + j) % faces.count], side: Int(Double(h) * fractions[(i + j) % fractions.count])) }
                timed.append(try c.compose(faces: items, on: SceneComposer.Background.allCases[i % 4]).frame)
            }
            var times: [String: [Double]] = [:]
            var cpu: [String: Double] = [:]
            for round in 0..<3 {
                for detector in (round % 2 == 0 ? [haar, mtcnn] : [mtcnn, haar]) as [any FaceDetecting] {
                    for frame in timed.prefix(2) { _ = try detector.detect(in: frame) }  // warm-up
                    let c0 = cpuSeconds()
                    for frame in timed {
                        let t0 = now()
                        _ = try detector.detect(in: frame)
                        times[detector.name, default: []].append((now() - t0) * 1000)
                    }
                    cpu[detector.name] = min(cpu[detector.name] ?? .infinity, (cpuSeconds() - c0) * 1000 / Double(timed.count))
                }
            }
            for (name, ts) in times {
                let s = ts.sorted()
                results[name, default: [:]]["\(h)"] = s[s.count / 2]
                results[name, default: [:]]["cpu\(h)"] = cpu[name] ?? 0
            }
        }
        for name in ["haar", "mtcnn"] {
            let r = results[name] ?? [:]
            print("| \(name) | \(f1(r["720"] ?? 0)) | \(f1(r["cpu720"] ?? 0)) | \(f1(r["1080"] ?? 0)) | \(f1(r["cpu1080"] ?? 0)) |")
        }
        print("")
        print("Default detector: \(FaceDetectors.defaultKind.rawValue)")
    }
}

struct MediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Face pipeline on a 1080p25 H.264 take (5 fps sampling, detection, tracking, crops) vs ffmpeg's full decode.",
        discussion: """
        Generates (unless --take is given) a 60 s 1920x1080 25 fps H.264 take with the ffmpeg CLI: a FER2013 face \
        (360 px) moving over testsrc2 with periods of 30 s and 20 s, so that the long take (the 60 s one repeated) \
        moves continuously too. Rounds alternate `ffmpeg -i take -f null -` and TakeSense's face pipeline \
        (VideoReader sampling by timestamp, the default detector, tracking, 48x48 gray crops of every face); the best \
        round of each is kept. Peak resident memory is TakeSense's own (VmHWM, reset before each run). With \
        --long-minutes N a take N minutes long (the 60 s one repeated, stream-copied) is run once each way.
        """
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var detection: DetectorOptions
    @Option(help: "An existing take (default: generate one).") var take: String?
    @Option(help: "FER2013 image folders, for the generated take's face.") var data: String?
    @Option(help: "Frames per second to sample.") var fps = 5.0
    @Option(help: "Alternating rounds.") var rounds = 3
    @Option(help: "Also run a take this many minutes long (0: skip).") var longMinutes = 10
    @Option(help: "Where generated takes go (default: a temporary folder, removed afterwards).") var workDir: String?
    @Option(help: "Face picture for the generated take (default: a frontal FER2013 validation face).") var face: String?
    @Flag(help: "Also time the frame reader alone.") var breakdown = false
    @Option(help: "Read frames shrunk to this longest side (0: native size); crops come from these frames.") var frameSize = 640
    @Option(help: "Seconds between whole-frame detections (0: every sampled frame); in between, only around tracked faces.")
    var fullDetectionInterval = 2.0

    func run() throws {
        try engine.apply()
        try oneLine { try measure() }
    }

    func ffmpeg(_ args: [String]) throws -> (seconds: Double, cpu: Double) { try runFFmpeg(args) }

    func measure() throws {
        let fm = FileManager.default
        let dir = workDir.map { URL(fileURLWithPath: $0) } ?? fm.temporaryDirectory.appendingPathComponent("takesense-bench-media-\(getpid())")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if workDir == nil { try? fm.removeItem(at: dir) } }
        let takeURL: URL
        if let take {
            takeURL = URL(fileURLWithPath: take)
        } else {
            takeURL = dir.appendingPathComponent("take-60s-1080p25.mp4")
            if !fm.fileExists(atPath: takeURL.path) {
                let faceFile = try face ?? (fer2013Folder(data) + "/validation/happy/PublicTest_10130075.jpg")
                let picture = PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: faceFile), format: .gray))
                let facePath = dir.appendingPathComponent("face.pgm")
                try picture.netpbm().write(to: facePath)
                print("generating \(takeURL.path) ...")
                let t = try ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-loop", "1", "-i", facePath.path,
                    "-filter_complex", "[1]scale=360:360[f];[0][f]overlay=x='780+300*sin(2*PI*t/30)':y='300+80*sin(2*PI*t/20)':shortest=1",
                    "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", takeURL.path,
                ])
                print("  (\(f1(t.seconds)) s)")
            }
        }
        let info = try probe(takeURL)
        print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset"), "
              + "detector \(detection.detector.rawValue) on \(detection.detectionSize) px, sampling \(fps) fps, whole-frame detection every \(fullDetectionInterval) s, best of \(rounds) alternating rounds")
        if let v = info.video {
            print("Take: \(takeURL.lastPathComponent), \(v.width ?? 0)x\(v.height ?? 0) \(v.codec), \(f1(info.duration ?? 0)) s")
        }
        let detector = try detection.make()
        let analyzer = TakeFaceAnalyzer(detector: detector, options: .init(sampling: fps, crop: FaceCropper(size: 48, margin: 0.2),
                                                                               frameSize: frameSize > 0 ? .fitWithin(maxDimension: frameSize) : .native,
                                                                               fullDetectionInterval: fullDetectionInterval))

        func ours(_ url: URL) throws -> (seconds: Double, cpu: Double, peak: Double, result: TakeFaceResult) {
            resetPeakMemory()
            let t0 = now(), c0 = cpuSeconds()
            let r = try analyzer.analyze(url)
            return (now() - t0, cpuSeconds() - c0, peakMemoryMiB(), r)
        }
        /// The reader alone (same sampling, format and size): what decoding and conversion cost.
        func readerOnly(_ url: URL) throws -> (seconds: Double, cpu: Double) {
            let t0 = now(), c0 = cpuSeconds()
            let reader = try VideoReader(url: url, sampling: .fps(fps), format: .gray, size: analyzer.options.frameSize)
            while try reader.next() != nil {}
            return (now() - t0, cpuSeconds() - c0)
        }
        var best = (ffmpeg: Double.infinity, ffmpegCPU: Double.infinity, ours: Double.infinity, oursCPU: Double.infinity,
                    reader: Double.infinity, readerCPU: Double.infinity, peak: 0.0)
        var last: TakeFaceResult?
        var roundRatios: [Double] = []
        for round in 0..<max(1, rounds) {
            var pair = (ffmpeg: 0.0, ours: 0.0)
            let order = round % 2 == 0 ? [0, 1, 2] : [2, 1, 0]
            for step in order where step != 2 || breakdown {
                switch step {
                case 0:
                    let f = try ffmpeg(["-i", takeURL.path, "-f", "null", "-"])
                    pair.ffmpeg = f.seconds
                    best.ffmpeg = min(best.ffmpeg, f.seconds)
                    best.ffmpegCPU = min(best.ffmpegCPU, f.cpu)
                case 1:
                    let r = try ours(takeURL)
                    pair.ours = r.seconds
                    best.ours = min(best.ours, r.seconds)
                    best.oursCPU = min(best.oursCPU, r.cpu)
                    best.peak = max(best.peak, r.peak)
                    last = r.result
                default:
                    let r = try readerOnly(takeURL)
                    best.reader = min(best.reader, r.seconds)
                    best.readerCPU = min(best.readerCPU, r.cpu)
                }
            }
            roundRatios.append(pair.ours / pair.ffmpeg)
            print("  round \(round + 1): ffmpeg \(f2(pair.ffmpeg)) s, TakeSense \(f2(pair.ours)) s (ratio \(f2(pair.ours / pair.ffmpeg))); best so far ffmpeg \(f2(best.ffmpeg)) s (CPU \(f2(best.ffmpegCPU)) s), TakeSense \(f2(best.ours)) s (CPU \(f2(best.oursCPU)) s)"
                  + (breakdown ? ", reader alone \(f2(best.reader)) s (CPU \(f2(best.readerCPU)) s)" : ""))
        }
        print("")
        print("| take | ffmpeg -f null: wall (s) | CPU (s) | TakeSense faces: wall (s) | CPU (s) | wall ratio | CPU ratio | peak RSS (MiB) | frames sampled | with a face | main track frames | other faces |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        func row(_ name: String, _ fw: Double, _ fc: Double, _ ow: Double, _ oc: Double, _ peak: Double, _ r: TakeFaceResult) {
            print("| \(name) | \(f2(fw)) | \(f2(fc)) | \(f2(ow)) | \(f2(oc)) | \(f2(ow / fw)) | \(f2(oc / fc)) | \(f1(peak)) | \(r.frames) | \(r.framesWithFaces) | \(r.mainTrack?.count ?? 0) | \(r.otherFaces) |")
        }
        if let r = last { row("60 s 1080p25", best.ffmpeg, best.ffmpegCPU, best.ours, best.oursCPU, best.peak, r) }
        let sortedRatios = roundRatios.sorted()
        let medianRatio = sortedRatios[sortedRatios.count / 2]
        if longMinutes > 0 {
            let long = try repeatedTake(takeURL, minutes: longMinutes, to: dir.appendingPathComponent("take-\(longMinutes)min-1080p25.mp4"))
            let f = try ffmpeg(["-i", long.path, "-f", "null", "-"])
            let r = try ours(long)
            row("\(longMinutes) min 1080p25", f.seconds, f.cpu, r.seconds, r.cpu, r.peak, r.result)
        }
        print("")
        print("Per-round wall ratios (TakeSense/ffmpeg, same round): \(roundRatios.map(f2).joined(separator: ", ")); median \(f2(medianRatio))")
        if breakdown {
            print("Reader alone (decode, sampling, conversion): \(f2(best.reader)) s wall, \(f2(best.readerCPU)) s CPU; "
                  + "detection, tracking and crops add \(f2(best.ours - best.reader)) s wall, \(f2(best.oursCPU - best.readerCPU)) s CPU "
                  + "(\(f1((best.oursCPU - best.readerCPU) / Double(max(1, last?.frames ?? 1)) * 1000)) ms CPU per sampled frame)")
        }
    }
}
