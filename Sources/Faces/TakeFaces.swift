import Foundation
import Media
import Torch

/// Which detector TakeSense uses unless told otherwise, and how to make it.
public enum FaceDetectors {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case haar, mtcnn
    }

    /// The default, chosen on `takesense bench faces` (BENCHMARKS.md): the detector that finds more
    /// faces at equal false positives within the media speed budget.
    public static let defaultKind: Kind = .mtcnn

    /// A detector of `kind` with its default configuration; MTCNN reads `mtcnnWeights`.
    public static func make(_ kind: Kind = defaultKind, mtcnnWeights: URL? = nil) throws -> any FaceDetecting {
        switch kind {
        case .haar:
            return try HaarCascadeDetector()
        case .mtcnn:
            guard let mtcnnWeights else {
                throw MediaError.invalidArgument("mtcnn.safetensors", reason: "the MTCNN detector needs its weights file")
            }
            return try MTCNNDetector(weights: mtcnnWeights)
        }
    }
}

/// A face crop of one sampled frame.
public struct FaceCrop: Sendable, Equatable {
    public var trackID: Int
    public var frameIndex: Int
    public var timestamp: Double
    /// The detection, in the frame's pixels.
    public var box: FaceBox
    /// `FaceCropper.size` square pixels.
    public var picture: PixelBuffer
}

/// The faces of one sampled frame, as `TakeFaceAnalyzer` reports them while it reads.
public struct FrameFaces: Sendable {
    public var frameIndex: Int
    public var timestamp: Double
    public var boxes: [FaceBox]
    /// Track id of each box.
    public var trackIDs: [Int]
    /// The crops of this frame's faces (every track), when the analyzer cuts crops; so that they can be
    /// classified while later frames are still being decoded.
    public var crops: [FaceCrop] = []
}

public struct TakeFaceOptions: Sendable {
    /// Frames sampled per second (by timestamp); `.infinity`: every frame.
    public var sampling: Double
    /// How crops are cut; nil: no crops.
    public var crop: FaceCropper?
    public var tracker: FaceTracker.Configuration
    /// Frames are read at this size (crops come from these frames). The default, at most 640 pixels on
    /// the longest side, is the detectors' own detection size, so frames are shrunk once, by the decoder's
    /// scaler; faces of 1/8 of a 1080p frame's height are then about 80 pixels, plenty for 48x48 crops.
    /// Use `.native` for sharper crops of small faces (e.g. 224x224 for the study's ResNet).
    public var frameSize: FrameSize
    /// Decoder threads (default: all cores).
    public var decoderThreads: Int?
    /// `.needed`: the decoder skips frames the sampling will not use (`DecodeStrategy`); `.all`: every frame.
    public var decode: DecodeMode = .needed
    /// Seconds between searches of the whole frame; in the sampled frames between them the detector
    /// only searches around the faces being tracked (`FaceDetecting.detect(in:near:)`), so new faces
    /// are found within this delay. 0: the whole frame every time.
    public var fullDetectionInterval: Double
    /// libtorch intra-op threads while analysing (restored afterwards): the decoder already uses every
    /// core, and MTCNN's small convolutions waste CPU time when split. nil: leave as it is.
    public var detectorThreads: Int?
    /// Decode frames on a thread of their own, a few ahead of detection (the default); false: decode each
    /// frame when detection asks for it, on the calling thread. Kept because it pays: on the sample take
    /// (MTCNN, 5 frames/s, debug build, 2 loaded cores) the face pass took 2.06 s best / 2.40 s median of 6
    /// alternating rounds with it and 2.23 s / 2.80 s without (issue 13).
    public var readAhead = true

    public init(sampling: Double = 5, crop: FaceCropper? = FaceCropper(), tracker: FaceTracker.Configuration = .init(),
                frameSize: FrameSize = .fitWithin(maxDimension: 640), decoderThreads: Int? = nil, fullDetectionInterval: Double = 2.0,
                detectorThreads: Int? = 1) {
        self.fullDetectionInterval = fullDetectionInterval
        self.detectorThreads = detectorThreads
        self.sampling = sampling
        self.crop = crop
        self.tracker = tracker
        self.frameSize = frameSize
        self.decoderThreads = decoderThreads
    }
}

/// What a take's faces came to.
public struct TakeFaceResult: Sendable {
    public var file: String
    public var detector: String
    /// Frames sampled and analysed.
    public var frames: Int
    public var framesWithFaces: Int
    /// The largest number of faces detected in one frame.
    public var maxFacesInFrame: Int
    /// Every track, ids ascending.
    public var tracks: [FaceTrack]
    /// The main face (most persistent, then largest), if any face was seen.
    public var mainTrackID: Int?
    /// Other faces seen in at least `minObservations` frames.
    public var otherFaces: Int
    /// Crops of the main face, in time order (empty without a cropper).
    public var mainCrops: [FaceCrop]
    /// Frame size the boxes refer to (the frames as read: see `TakeFaceOptions.frameSize`).
    public var frameWidth: Int, frameHeight: Int
    /// The video's own upright size; multiply boxes by `nativeScale` to get its pixels.
    public var nativeWidth: Int, nativeHeight: Int

    /// From the boxes' pixels to the video's own (upright) pixels.
    public var nativeScale: Double { frameWidth > 0 ? Double(nativeWidth) / Double(frameWidth) : 1 }

    public var mainTrack: FaceTrack? { tracks.first { $0.id == mainTrackID } }

    public var summary: TakeFaceSummary {
        TakeFaceSummary(
            file: file, detector: detector, frames: frames, framesWithFaces: framesWithFaces, maxFacesInFrame: maxFacesInFrame,
            frameWidth: frameWidth, frameHeight: frameHeight, nativeWidth: nativeWidth, nativeHeight: nativeHeight, mainTrack: mainTrackID,
            otherFaces: otherFaces,
            tracks: tracks.map {
                .init(id: $0.id, frames: $0.count, first: $0.first.timestamp, last: $0.last.timestamp, medianSize: $0.medianSize)
            })
    }
}

/// The JSON-friendly summary of a `TakeFaceResult`.
public struct TakeFaceSummary: Sendable, Codable {
    public struct Track: Sendable, Codable {
        public var id: Int
        public var frames: Int
        public var first: Double
        public var last: Double
        public var medianSize: Double
    }

    public var file: String
    public var detector: String
    public var frames: Int
    public var framesWithFaces: Int
    public var maxFacesInFrame: Int
    public var frameWidth: Int
    public var frameHeight: Int
    public var nativeWidth: Int
    public var nativeHeight: Int
    public var mainTrack: Int?
    public var otherFaces: Int
    public var tracks: [Track]

    public var text: String {
        let size = frameWidth == nativeWidth && frameHeight == nativeHeight ? "\(frameWidth)x\(frameHeight)"
            : "\(frameWidth)x\(frameHeight) frames of a \(nativeWidth)x\(nativeHeight) video; sizes in frame pixels"
        var lines = ["\(file): \(frames) frames sampled, \(framesWithFaces) with a face (\(detector), \(size))"]
        if let main = mainTrack, let t = tracks.first(where: { $0.id == main }) {
            lines.append(String(format: "main face: track %d, %d frames, %.2f-%.2f s, median size %.0f px", t.id, t.frames, t.first, t.last, t.medianSize))
        } else {
            lines.append("main face: none")
        }
        lines.append("other faces: \(otherFaces)" + (maxFacesInFrame > 1 ? " (up to \(maxFacesInFrame) faces in one frame)" : ""))
        for t in tracks {
            lines.append(String(format: "  track %d: %d frames, %.2f-%.2f s, median size %.0f px", t.id, t.frames, t.first, t.last, t.medianSize))
        }
        return lines.joined(separator: "\n")
    }
}

/// Reads a take, samples frames by timestamp, detects and tracks faces, and cuts crops of the main
/// face. Memory stays bounded by one frame plus the crops (kept for every track until the main face
/// is known at the end: `size`² bytes per detection, e.g. 2.3 KB for 48x48 gray).
///
///     let analyzer = TakeFaceAnalyzer(detector: try HaarCascadeDetector(), options: .init(sampling: 5))
///     let faces = try analyzer.analyze(URL(fileURLWithPath: "take.mp4"))
///     print(faces.summary.text)            // main track, other faces
///     model.classify(faces.mainCrops)      // 48x48 gray crops, in time order
public final class TakeFaceAnalyzer {
    public let detector: any FaceDetecting
    public let options: TakeFaceOptions

    public init(detector: any FaceDetecting, options: TakeFaceOptions = .init()) {
        self.detector = detector
        self.options = options
    }

    /// - Throws: `MediaError` naming the file (unreadable, no video stream, truncated, ...), or
    ///   naming it with the time at which face detection failed.
    public func analyze(_ url: URL, onFrame: ((FrameFaces) throws -> Void)? = nil) throws -> TakeFaceResult {
        let format: PixelFormat = options.crop?.format ?? .gray
        let sampling: FrameSampling = options.sampling == .infinity ? .all : .fps(options.sampling)
        let reader = try VideoReader(url: url, sampling: sampling, format: format, size: options.frameSize,
                                     threads: options.decoderThreads, decode: options.decode)
        let tracker = FaceTracker(configuration: options.tracker)
        var crops: [Int: [FaceCrop]] = [:]
        var withFaces = 0, maxFaces = 0
        var width = reader.outputWidth, height = reader.outputHeight
        var lastFull = -Double.infinity
        // Frames are read on their own thread, a few ahead, so that decoding goes on while faces are detected.
        let frames = FrameQueue(capacity: 4)
        let done = DispatchSemaphore(value: 0)
        if options.readAhead {
            let source = UncheckedBox(reader)
            let producer = Thread {
                do {
                    while let frame = try source.value.next() {
                        guard frames.put(frame) else { break }
                    }
                    frames.finish(nil)
                } catch {
                    frames.finish(error)
                }
                done.signal()
            }
            producer.name = "TakeFaceAnalyzer frames"
            producer.start()
        } else {
            done.signal()
        }
        defer {
            frames.cancel()
            done.wait()
        }
        let nextFrame: () throws -> VideoFrame? = options.readAhead ? frames.take : reader.next
        let previousThreads = Torch.threads
        if let n = options.detectorThreads, n > 0, n != previousThreads { try? Torch.setThreads(n) }
        defer { if Torch.threads != previousThreads { try? Torch.setThreads(previousThreads) } }
        var count = 0
        while let frame = try nextFrame() {
            count += 1
            width = frame.width
            height = frame.height
            let picture = PixelBuffer(frame)
            let boxes: [FaceBox]
            do {
                let active = tracker.tracks.filter { frame.timestamp - $0.last.timestamp <= options.tracker.maxGap }
                if frame.timestamp - lastFull >= options.fullDetectionInterval - 1e-6 {
                    boxes = try detector.detect(in: picture)
                    lastFull = frame.timestamp
                } else {
                    var found: [FaceBox] = []
                    for track in active {
                        for b in try detector.detect(in: picture, near: track.last.box)
                        where !found.contains(where: { $0.iou(b) > 0.5 }) {
                            found.append(b)
                        }
                    }
                    boxes = found.sorted { $0.area > $1.area }
                }
            } catch let error as MediaError {
                throw error
            } catch {
                throw MediaError.corrupt(url.path, reason: String(format: "face detection failed at %.2f s: %@", frame.timestamp, "\(error)"))
            }
            if !boxes.isEmpty { withFaces += 1 }
            maxFaces = max(maxFaces, boxes.count)
            let ids = tracker.update(boxes, timestamp: frame.timestamp, frameIndex: frame.index)
            var frameCrops: [FaceCrop] = []
            if let cropper = options.crop {
                for (box, id) in zip(boxes, ids) {
                    let crop = FaceCrop(trackID: id, frameIndex: frame.index, timestamp: frame.timestamp, box: box,
                                        picture: try cropper.crop(picture, box: box))
                    crops[id, default: []].append(crop)
                    frameCrops.append(crop)
                }
            }
            try onFrame?(FrameFaces(frameIndex: frame.index, timestamp: frame.timestamp, boxes: boxes, trackIDs: ids, crops: frameCrops))
        }
        let main = tracker.mainTrack
        let quarterTurn = reader.rotation == 90 || reader.rotation == 270
        return TakeFaceResult(
            file: url.path, detector: detector.name, frames: count, framesWithFaces: withFaces, maxFacesInFrame: maxFaces,
            tracks: tracker.tracks, mainTrackID: main?.id, otherFaces: tracker.otherTracks.count,
            mainCrops: main.map { crops[$0.id] ?? [] } ?? [], frameWidth: width, frameHeight: height,
            nativeWidth: quarterTurn ? reader.sourceHeight : reader.sourceWidth,
            nativeHeight: quarterTurn ? reader.sourceWidth : reader.sourceHeight)
    }
}

/// A bounded hand-over of frames from the reading thread to the analysing one.
final class FrameQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [VideoFrame] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false
    private var error: (any Error)?

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room; false when the consumer has gone.
    func put(_ frame: VideoFrame) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(frame)
        condition.broadcast()
        return true
    }

    /// The end of the frames, with the reader's error if it stopped on one.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        self.error = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next frame; nil after the last; rethrows the reader's error once the frames before it are taken.
    func take() throws -> VideoFrame? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            let frame = items.removeFirst()
            condition.broadcast()
            return frame
        }
        if let error {
            self.error = nil
            throw error
        }
        return nil
    }

    /// The consumer stops: the producer's next `put` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands a non-Sendable value to exactly one other thread.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Reading one picture for detection.
public enum FaceInput {
    /// A still image, or the first frame of a video, in RGB.
    public static func firstPicture(_ url: URL) throws -> PixelBuffer {
        PixelBuffer(try ImageDecoder.decode(url, format: .rgb))
    }
}
