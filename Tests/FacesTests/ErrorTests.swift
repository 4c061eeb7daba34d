import Foundation
import Testing

@testable import Faces
import Media

/// Every failure is a `MediaError`: one line naming the file and the reason.
@Suite("Face errors")
struct ErrorTests {
    func expectOneLine(_ error: any Error, naming file: String, containing words: String) {
        guard let e = error as? MediaError else {
            Issue.record("expected a MediaError, got \(type(of: error)): \(error)")
            return
        }
        let text = e.description
        #expect(!text.contains("\n"))
        #expect(text.hasPrefix(file + ": "), "\(text)")
        #expect(text.contains(words), "\(text)")
    }

    func failure(_ body: () throws -> Void) -> (any Error)? {
        do { try body() } catch { return error }
        return nil
    }

    @Test func missingAndBadCascade() throws {
        let missing = "/nonexistent/cascade.xml"
        expectOneLine(try #require(failure { _ = try HaarCascadeDetector(cascade: URL(fileURLWithPath: missing)) }),
                      naming: missing, containing: "no such file")
        let text = Paths.temporary("not-a-cascade.xml")
        try Data("hello, not xml".utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        expectOneLine(try #require(failure { _ = try HaarCascadeDetector(cascade: text) }), naming: text.path, containing: "cascade")
        let cascade = HaarCascadeDetector.defaultCascade.path
        expectOneLine(try #require(failure { _ = try HaarCascadeDetector(configuration: .init(scaleFactor: 1.0)) }),
                      naming: cascade, containing: "scale factor")
        expectOneLine(try #require(failure { _ = try HaarCascadeDetector(configuration: .init(minFaceSize: 0)) }),
                      naming: cascade, containing: "minimum face size")
    }

    @Test func missingAndBadWeights() throws {
        let missing = "/nonexistent/mtcnn.safetensors"
        expectOneLine(try #require(failure { _ = try MTCNNDetector(weights: URL(fileURLWithPath: missing)) }),
                      naming: missing, containing: "no such file")
        let junk = Paths.temporary("junk.safetensors")
        try Data(repeating: 7, count: 100).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        expectOneLine(try #require(failure { _ = try MTCNNDetector(weights: junk) }), naming: junk.path, containing: "not MTCNN weights")
        // A valid safetensors file with other tensors: the missing keys are named.
        let other = Paths.temporary("other.safetensors")
        try PNet().save(to: other)
        defer { try? FileManager.default.removeItem(at: other) }
        let e = try #require(failure { _ = try MTCNNDetector(weights: other) })
        expectOneLine(e, naming: other.path, containing: "rnet.conv1.weight")
        expectOneLine(try #require(failure { _ = try MTCNNDetector(networks: try MTCNNNetworks(), configuration: .init(thresholds: [0.5])) }),
                      naming: "mtcnn", containing: "three thresholds")
    }

    @Test func badTakes() throws {
        let analyzer = TakeFaceAnalyzer(detector: Detectors.haar)
        let missing = "/nonexistent/take.mp4"
        expectOneLine(try #require(failure { _ = try Detectors.with { try analyzer.analyze(URL(fileURLWithPath: missing)) } }),
                      naming: missing, containing: "no such file")
        let text = Paths.temporary("take.mov")
        try Data("this is a text file, not a take\n".utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        expectOneLine(try #require(failure { _ = try Detectors.with { try analyzer.analyze(text) } }),
                      naming: text.path, containing: "not a media file")
        let bad = TakeFaceAnalyzer(detector: Detectors.haar, options: .init(sampling: 0))
        let fixture = Paths.fixtures.appendingPathComponent("mtcnn/frames/coffee_240x160.png")
        expectOneLine(try #require(failure { _ = try bad.analyze(fixture) }), naming: fixture.path, containing: "sampling rate")
    }

    @Test func badPixelsAndCrops() throws {
        expectOneLine(try #require(failure { _ = try PixelBuffer(width: 10, height: 10, format: .rgb, pixels: [1, 2, 3], name: "frame 3") }),
                      naming: "frame 3", containing: "do not hold")
        expectOneLine(try #require(failure { _ = try PixelBuffer(width: 0, height: 10, format: .gray, pixels: []) }),
                      naming: "<pixels>", containing: "not valid")
        let p = try PixelBuffer.filled(width: 20, height: 20, value: 0)
        expectOneLine(try #require(failure { _ = try FaceCropper(size: 0).crop(p, box: FaceBox(x: 0, y: 0, width: 5, height: 5)) }),
                      naming: "<crop>", containing: "crop size")
        expectOneLine(try #require(failure { _ = try FaceCropper(margin: -1).crop(p, box: FaceBox(x: 0, y: 0, width: 5, height: 5)) }),
                      naming: "<crop>", containing: "margin")
        expectOneLine(try #require(failure { _ = try FaceCropper().crop(p, box: FaceBox(x: 0, y: 0, width: 0, height: 5)) }),
                      naming: "<crop>", containing: "empty")
        // Tiny and odd pictures never crash the detectors.
        let tiny = try PixelBuffer.filled(width: 5, height: 3, format: .rgb, value: 128)
        #expect(try Detectors.with { try Detectors.haar.detect(in: tiny) }.isEmpty)
        #expect(try Detectors.with { try Detectors.mtcnn.detect(in: tiny) }.isEmpty)
    }
}
