import Foundation
import Testing

import Faces
import Media

/// `takesense faces detect` as the library runs it (`PictureFaces.detect`).
@Suite("Faces in pictures")
struct PictureFacesTests {
    @Test("The astronaut: one face, the lines naming the file, detector and size, one line per face")
    func detectDescribes() throws {
        let file = Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png").path
        let detector = try HaarCascadeDetector(configuration: .init(minFaceSize: 24))
        var lines: [String] = []
        let found = try PictureFaces.detect([file], with: detector) { lines.append($0) }
        let boxes = try #require(found[file])
        #expect(boxes.count == 1)
        #expect(boxes.first.map { $0.iou(FaceBox(x1: 90.6, y1: 31.6, x2: 133.9, y2: 86.1)) > 0.4 } == true)
        #expect(lines.count == 2)
        #expect(lines.first == "\(file): 1 face (\(detector.name), 256x256)")
        let b = boxes[0]
        #expect(lines.last == String(format: "  x %.0f y %.0f w %.0f h %.0f score %.3f", b.x, b.y, b.width, b.height, b.score))
        // Without a describer nothing is printed, and the boxes are the same.
        #expect(try PictureFaces.detect([file], with: detector) == found)
    }

    @Test("A missing picture is one error naming it")
    func missingPicture() throws {
        let detector = try HaarCascadeDetector()
        #expect { try PictureFaces.detect(["/nonexistent/face.png"], with: detector) } throws: { "\($0)".contains("/nonexistent/face.png") }
    }
}
