import Foundation
import Media

/// What every face detector does: find the faces in one picture.
///
/// Detectors take gray or RGB pictures of any size and return boxes in that picture's pixel
/// coordinates, largest first. They hold mutable state (OpenCV's classifier, scratch tensors) and
/// are not thread-safe: use one per task.
public protocol FaceDetecting: AnyObject {
    /// A short name for reports ("haar", "mtcnn").
    var name: String { get }
    /// The smallest face side the detector looks for, in pixels of the (shrunk) detection picture.
    var minimumFaceSize: Double { get }
    /// The faces in `picture`, largest first.
    func detect(in picture: PixelBuffer) throws -> [FaceBox]
    /// The faces in the neighbourhood of `box` (a face seen in an earlier frame): a cheap search used
    /// between full-picture detections when tracking. Boxes are in `picture`'s coordinates.
    func detect(in picture: PixelBuffer, near box: FaceBox) throws -> [FaceBox]
}

extension FaceDetecting {
    /// Searches a square twice the box's side around its centre (the face may move by half its size
    /// between two samples), shrunk so that a face of the box's size is 1.4x the detector's minimum
    /// face size: a picture under 3x the minimum face size, a few milliseconds at most.
    public func detect(in picture: PixelBuffer, near box: FaceBox) throws -> [FaceBox] {
        try searchAround(box, in: picture)
    }

    /// The default neighbourhood search (see `detect(in:near:)`).
    public func searchAround(_ box: FaceBox, in picture: PixelBuffer) throws -> [FaceBox] {
        let side = max(box.width, box.height)
        guard side > 0, side.isFinite else { return [] }
        let half = side
        let x0 = max(0, Int((box.centerX - half).rounded(.down))), y0 = max(0, Int((box.centerY - half).rounded(.down)))
        let x1 = min(picture.width, Int((box.centerX + half).rounded(.up))), y1 = min(picture.height, Int((box.centerY + half).rounded(.up)))
        guard x1 - x0 >= 12, y1 - y0 >= 12 else { return [] }
        let region = try picture.region(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        let k = min(1, 1.4 * minimumFaceSize / side)
        let w = max(12, Int((Double(region.width) * k).rounded())), h = max(12, Int((Double(region.height) * k).rounded()))
        let small = try region.resized(width: w, height: h)
        let back = Double(region.width) / Double(w)
        return try detect(in: small).map { b in
            var m = b.scaled(by: back)
            m.x += Double(x0)
            m.y += Double(y0)
            m.landmarks = m.landmarks?.map { FacePoint(x: $0.x + Double(x0), y: $0.y + Double(y0)) }
            return m
        }
    }
}

extension FaceDetecting {
    /// The faces in a decoded video frame.
    public func detect(in frame: VideoFrameLike) throws -> [FaceBox] {
        try detect(in: frame.pixelBuffer)
    }
}

/// Things that can be looked at as a `PixelBuffer` (Media's `VideoFrame` and `DecodedImage`).
public protocol VideoFrameLike {
    var pixelBuffer: PixelBuffer { get }
}

extension VideoFrame: VideoFrameLike {
    public var pixelBuffer: PixelBuffer { PixelBuffer(self) }
}

extension DecodedImage: VideoFrameLike {
    public var pixelBuffer: PixelBuffer { PixelBuffer(self) }
}

/// Sorts boxes largest first (ties by score).
func largestFirst(_ boxes: [FaceBox]) -> [FaceBox] {
    boxes.sorted { $0.area != $1.area ? $0.area > $1.area : $0.score > $1.score }
}
