import Foundation

/// One detection assigned to a track.
public struct FaceObservation: Sendable, Equatable, Codable {
    /// Index of the sampled frame (the reader's `VideoFrame.index`).
    public var frameIndex: Int
    /// Presentation time in seconds.
    public var timestamp: Double
    public var box: FaceBox

    public init(frameIndex: Int, timestamp: Double, box: FaceBox) {
        self.frameIndex = frameIndex
        self.timestamp = timestamp
        self.box = box
    }
}

/// A face followed across sampled frames.
public struct FaceTrack: Sendable, Equatable, Codable {
    /// Stable id, 1, 2, 3... in order of appearance.
    public let id: Int
    /// Observations in time order (at most one per frame).
    public internal(set) var observations: [FaceObservation]

    public var first: FaceObservation { observations[0] }
    public var last: FaceObservation { observations[observations.count - 1] }
    /// Frames in which the face was detected.
    public var count: Int { observations.count }
    /// Seconds from the first to the last observation.
    public var duration: Double { last.timestamp - first.timestamp }
    /// Median box size (geometric mean of width and height) in pixels.
    public var medianSize: Double {
        let sizes = observations.map(\.box.size).sorted()
        let n = sizes.count
        return n % 2 == 1 ? sizes[n / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2
    }
}

/// Associates each sampled frame's detections with the faces of earlier frames.
///
/// A detection continues a track when their sizes agree (ratio at most `maxSizeRatio`) and they
/// overlap (IoU at least `minIoU`) or, for faces that moved between two samples, their centres are
/// within `maxCenterShift` face sizes. Pairs are matched greedily, best overlap first; one detection
/// per track and frame. A track stays open across up to `maxGap` seconds without detections (a missed
/// frame, a turned head); unmatched detections start new tracks with the next id.
public final class FaceTracker {
    public struct Configuration: Sendable, Equatable {
        public var minIoU: Double
        public var maxSizeRatio: Double
        public var maxCenterShift: Double
        public var maxGap: Double
        /// Tracks with fewer observations are ignored when counting the other faces of a take (isolated
        /// false detections).
        public var minObservations: Int
        /// Tracks observed in at least this fraction of the most persistent track's frames compete for main
        /// track on size.
        public var persistenceTolerance: Double

        public init(minIoU: Double = 0.3, maxSizeRatio: Double = 1.5, maxCenterShift: Double = 0.5, maxGap: Double = 2.5,
                    minObservations: Int = 3, persistenceTolerance: Double = 0.8) {
            self.minIoU = minIoU
            self.maxSizeRatio = maxSizeRatio
            self.maxCenterShift = maxCenterShift
            self.maxGap = maxGap
            self.minObservations = minObservations
            self.persistenceTolerance = persistenceTolerance
        }
    }

    public let configuration: Configuration
    /// Every track so far, in order of creation (ids ascending).
    public private(set) var tracks: [FaceTrack] = []
    private var nextID = 1
    private var lastTimestamp = -Double.infinity

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Adds one frame's detections; returns the track id of each box, in the order given.
    /// Frames must come in time order (a timestamp earlier than the previous frame's is treated as equal).
    @discardableResult
    public func update(_ boxes: [FaceBox], timestamp: Double, frameIndex: Int) -> [Int] {
        let time = max(timestamp, lastTimestamp)
        lastTimestamp = time
        let c = configuration
        let active = tracks.indices.filter { time - tracks[$0].last.timestamp <= c.maxGap + 1e-9 && tracks[$0].last.frameIndex != frameIndex }
        var pairs: [(score: Double, track: Int, box: Int)] = []
        for t in active {
            let previous = tracks[t].last.box
            for (b, box) in boxes.enumerated() {
                let sizeA = previous.size, sizeB = box.size
                guard sizeA > 0, sizeB > 0, max(sizeA, sizeB) / min(sizeA, sizeB) <= c.maxSizeRatio else { continue }
                let iou = previous.iou(box)
                if iou >= c.minIoU {
                    pairs.append((iou, t, b))
                } else {
                    let dx = previous.centerX - box.centerX, dy = previous.centerY - box.centerY
                    let shift = (dx * dx + dy * dy).squareRoot() / ((sizeA + sizeB) / 2)
                    if shift <= c.maxCenterShift {
                        // Ranked below every overlapping pair.
                        pairs.append((c.minIoU * (1 - shift / max(c.maxCenterShift, 1e-9)) * 0.999, t, b))
                    }
                }
            }
        }
        pairs.sort { $0.score != $1.score ? $0.score > $1.score : ($0.track, $0.box) < ($1.track, $1.box) }
        var ids = [Int](repeating: 0, count: boxes.count)
        var usedTracks = Set<Int>(), usedBoxes = Set<Int>()
        for p in pairs where !usedTracks.contains(p.track) && !usedBoxes.contains(p.box) {
            usedTracks.insert(p.track)
            usedBoxes.insert(p.box)
            tracks[p.track].observations.append(FaceObservation(frameIndex: frameIndex, timestamp: time, box: boxes[p.box]))
            ids[p.box] = tracks[p.track].id
        }
        // New faces, largest first so that ids follow prominence within a frame.
        let fresh = boxes.indices.filter { !usedBoxes.contains($0) }.sorted { boxes[$0].area > boxes[$1].area }
        for b in fresh {
            tracks.append(FaceTrack(id: nextID, observations: [FaceObservation(frameIndex: frameIndex, timestamp: time, box: boxes[b])]))
            ids[b] = nextID
            nextID += 1
        }
        return ids
    }

    /// The take's main face: among the most persistent tracks (observed in at least
    /// `persistenceTolerance` of the most observed track's frames), the largest (median size);
    /// ties go to the earlier track.
    public var mainTrack: FaceTrack? { Self.mainTrack(of: tracks, configuration: configuration) }

    /// The faces other than the main one that were seen in at least `minObservations` frames.
    public var otherTracks: [FaceTrack] {
        let main = mainTrack?.id
        return tracks.filter { $0.id != main && $0.count >= configuration.minObservations }
    }

    public static func mainTrack(of tracks: [FaceTrack], configuration: Configuration = .init()) -> FaceTrack? {
        guard let most = tracks.map(\.count).max() else { return nil }
        let floor = Double(most) * configuration.persistenceTolerance
        return tracks.filter { Double($0.count) >= floor - 1e-9 }
            .max { $0.medianSize != $1.medianSize ? $0.medianSize < $1.medianSize : $0.id > $1.id }
    }
}
