import Faces
import Foundation
import Torch

/// `takesense bench faces`: the Haar cascade against MTCNN on FER2013 faces composed into frames.
/// Face frames hold 1-3 FER2013 validation faces (sides 12-50 % of the frame height, random positions,
/// plain/noisy/gradient/clutter backgrounds); empty frames have the same backgrounds and no face. A
/// detection finds a face when their IoU is at least 0.3 (one to one). Each detector runs at several
/// strictness settings so that recall can be compared at equal false positives; times are medians per
/// frame (gray input, shrinking included), the two detectors alternating.
public struct FaceDetectionBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Face frames hold 1-3 FER2013 validation faces (sides 12-50% of the frame height, random positions, \
    plain/noisy/gradient/clutter backgrounds); empty frames have the same backgrounds and no face. A detection \
    finds a face when their IoU is at least 0.3 (one to one). Each detector runs at several strictness \
    settings (Haar minNeighbors, MTCNN O-Net threshold) so that recall can be compared at equal false \
    positives. Times are medians per frame (gray input, shrinking included), the two detectors alternating.
    """

    /// The FER2013 image folders (ROOT/validation/<class>/*.jpg).
    public var fer2013: String
    public var mtcnnWeights: URL
    public var faceFrames = 150
    public var emptyFrames = 60
    public var timedFrames = 20
    public var seed: UInt64 = 2013
    /// Detection picture size (longest side; 0: native).
    public var detectionSize = 640
    /// Smallest face side in detection pixels.
    public var minFace = 40
    /// Only the speed table.
    public var timingOnly = false
    /// OpenCV worker threads for the Haar cascade (nil: OpenCV's own choice).
    public var opencvThreads: Int?

    public init(fer2013: String, mtcnnWeights: URL, faceFrames: Int = 150, emptyFrames: Int = 60, timedFrames: Int = 20, seed: UInt64 = 2013,
                detectionSize: Int = 640, minFace: Int = 40, timingOnly: Bool = false, opencvThreads: Int? = nil) {
        self.fer2013 = fer2013
        self.mtcnnWeights = mtcnnWeights
        self.faceFrames = faceFrames
        self.emptyFrames = emptyFrames
        self.timedFrames = timedFrames
        self.seed = seed
        self.detectionSize = detectionSize
        self.minFace = minFace
        self.timingOnly = timingOnly
        self.opencvThreads = opencvThreads
    }

    public func run() throws -> BenchReport {
        let faces = try SharedData.fer2013Faces(fer2013, count: faceFrames * 3, seed: seed)
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
        var report = BenchReport()
        report.note("Machine: \(machineCores()), libtorch \(Torch.version) (\(Torch.threads) threads), OpenCV \(OpenCV.version), "
                    + "OMP_WAIT_POLICY=\(ompWaitPolicy())")
        report.note("Data: \(faceFrames) frames \(width)x\(height) with \(totalFaces) FER2013 faces (sides \(fractions.map { Int(Double(height) * $0) }) px), "
                    + "\(emptyFrames) frames without a face; detection on \(detectionSize) px, minimum face \(minFace) px; seed \(seed)")
        report.note("")
        var accuracy = MarkdownTable(["detector", "setting", "recall", "FP per frame", "FP per empty frame"], alignment: "llrrr")
        func evaluate(_ detector: any FaceDetecting, _ setting: String) throws {
            var found = 0, fp = 0, fpEmpty = 0
            for (frame, truth) in frames {
                let m = DetectionMatching.match(detections: try detector.detect(in: frame), truth: truth)
                found += m.found
                fp += m.falsePositives
                if truth.isEmpty { fpEmpty += m.falsePositives }
            }
            let recall = Double(found) / Double(max(1, totalFaces)), perFrame = Double(fp) / Double(frames.count)
            accuracy.append([detector.name, setting, f3(recall), f3(perFrame), f3(Double(fpEmpty) / Double(max(1, emptyFrames)))])
        }
        let size: Int? = detectionSize > 0 ? detectionSize : nil
        if let opencvThreads { OpenCV.setThreads(opencvThreads) }
        let networks = try MTCNNNetworks()
        try networks.load(contentsOf: mtcnnWeights)
        if !timingOnly {
            for k in [3, 5, 8, 12] {
                let d = try HaarCascadeDetector(configuration: .init(minNeighbors: k, minFaceSize: minFace, detectionSize: size))
                try evaluate(d, "minNeighbors \(k)" + (k == 5 ? " (study)" : ""))
            }
            for t in [0.7, 0.9, 0.97, 0.99] {
                let d = try MTCNNDetector(networks: networks,
                                          configuration: .init(minFaceSize: Double(minFace), thresholds: [0.6, 0.7, t], detectionSize: size))
                try evaluate(d, "thresholds 0.6/0.7/\(t)" + (t == 0.7 ? " (facenet)" : ""))
            }
        }
        report.add(accuracy)

        // Speed on full-size frames (gray, as the take pipeline reads them), detectors alternating.
        report.note("")
        var speed = MarkdownTable(["detector (default setting)", "ms per 1280x720 frame", "CPU ms", "ms per 1920x1080 frame", "CPU ms"], alignment: "lrrrr")
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
            speed.append([name, f1(r["720"] ?? 0), f1(r["cpu720"] ?? 0), f1(r["1080"] ?? 0), f1(r["cpu1080"] ?? 0)])
        }
        report.add(speed)
        report.note("")
        report.note("Default detector: \(FaceDetectors.defaultKind.rawValue)")
        return report
    }
}
