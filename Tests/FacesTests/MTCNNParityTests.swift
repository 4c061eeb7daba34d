import Foundation
import Testing

@testable import Faces
import Media
import Torch

/// facenet-pytorch's MTCNN, as recorded by Scripts/mtcnn_fixtures.py.
struct MTCNNExpected: Decodable {
    struct Frame: Decodable {
        var file: String?
        var boxes: [[Double]]
        var probs: [Double]
        var landmarks: [[[Double]]]
    }
    var frames: [Frame]
    var fer_composite: Frame?

    static func load() throws -> MTCNNExpected {
        let url = Paths.fixtures.appendingPathComponent("mtcnn/expected.json")
        return try JSONDecoder().decode(MTCNNExpected.self, from: Data(contentsOf: url))
    }
}

/// Checks that `got` and facenet-pytorch's boxes agree one to one within `tolerance` pixels.
func expectSameBoxes(_ got: [FaceBox], _ want: MTCNNExpected.Frame, tolerance: Double = 1.0, _ name: String) {
    #expect(got.count == want.boxes.count, "\(name): \(got.count) boxes, facenet-pytorch found \(want.boxes.count)")
    guard got.count == want.boxes.count else { return }
    for (i, w) in want.boxes.enumerated() {
        // Nearest detected box to this expected one.
        let best = got.min { a, b in
            abs(a.x - w[0]) + abs(a.y - w[1]) < abs(b.x - w[0]) + abs(b.y - w[1])
        }!
        let diffs = [best.x - w[0], best.y - w[1], best.maxX - w[2], best.maxY - w[3]].map(abs)
        #expect(diffs.allSatisfy { $0 <= tolerance }, "\(name) box \(i): \(best) vs \(w) (differences \(diffs))")
        #expect(abs(best.score - want.probs[i]) < 1e-3, "\(name) box \(i): probability \(best.score) vs \(want.probs[i])")
        if let marks = best.landmarks {
            for (k, p) in marks.enumerated() {
                #expect(abs(p.x - want.landmarks[i][k][0]) <= tolerance && abs(p.y - want.landmarks[i][k][1]) <= tolerance,
                        "\(name) box \(i) landmark \(k): (\(p.x), \(p.y)) vs \(want.landmarks[i][k])")
            }
        }
    }
}

@Suite("MTCNN parity with facenet-pytorch")
struct MTCNNParityTests {
    @Test func weightsLoadWithFacenetNames() throws {
        let networks = try MTCNNNetworks()
        let report = try networks.load(contentsOf: Paths.mtcnnWeights)
        #expect(report.isExact)
        #expect(report.loaded.count == 13 + 16 + 21)
        #expect(networks.stateDict().map(\.key).prefix(3) == ["pnet.conv1.weight", "pnet.conv1.bias", "pnet.prelu1.weight"])
        #expect(networks.parameterCount() == 6632 + 100_178 + 389_040)
    }

    @Test func networksMatchForward() throws {
        let t = try Checkpoint.loadSafetensors(Paths.fixtures.appendingPathComponent("mtcnn/nets.safetensors"))
        let nets = Detectors.mtcnn.networks
        func close(_ a: Tensor, _ b: Tensor?, _ name: String) throws {
            let b = try #require(b)
            #expect(a.shape == b.shape, "\(name) shape")
            let x = try a.floats(), y = try b.floats()
            let worst = zip(x, y).map { abs($0 - $1) - 1e-5 * abs($1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(name): max deviation \(worst)")
        }
        try Torch.noGrad {
            let p = try nets.pnet(#require(t["pnet.input"]))
            try close(p.regression, t["pnet.regression"], "pnet regression")
            try close(p.probabilities, t["pnet.probabilities"], "pnet probabilities")
            let r = try nets.rnet(#require(t["rnet.input"]))
            try close(r.regression, t["rnet.regression"], "rnet regression")
            try close(r.probabilities, t["rnet.probabilities"], "rnet probabilities")
            let o = try nets.onet(#require(t["onet.input"]))
            try close(o.regression, t["onet.regression"], "onet regression")
            try close(o.landmarks, t["onet.landmarks"], "onet landmarks")
            try close(o.probabilities, t["onet.probabilities"], "onet probabilities")
        }
    }

    @Test func boxesMatchOnRealFrames() throws {
        let expected = try MTCNNExpected.load()
        let detector = try MTCNNDetector(networks: Detectors.mtcnn.networks, configuration: .facenet)
        #expect(expected.frames.count == 4)
        for frame in expected.frames {
            let file = try #require(frame.file)
            let picture = PixelBuffer(try ImageDecoder.decode(Paths.fixtures.appendingPathComponent("mtcnn/" + file), format: .rgb))
            let boxes = try detector.detect(in: picture)
            expectSameBoxes(boxes, frame, file)
        }
    }

    /// The FER2013 composite: rebuilt from the recipe in expected.json (no dataset image is committed).
    @Test(.enabled(if: Paths.fer2013 != nil, noFER)) func boxesMatchOnFERComposite() throws {
        let expected = try #require(try MTCNNExpected.load().fer_composite)
        let root = try #require(Paths.fer2013)
        let w = 360, h = 240
        var canvas = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { canvas[y * w + x] = UInt8(90 + 60 * x / w + 40 * y / h) } }
        for (file, k, x0, y0) in [("validation/happy/PublicTest_10130075.jpg", 3, 30, 40), ("validation/neutral/PublicTest_10014592.jpg", 2, 230, 100)] {
            let face = try ImageDecoder.decode(URL(fileURLWithPath: root + "/" + file), format: .gray)
            for y in 0..<(48 * k) { for x in 0..<(48 * k) { canvas[(y0 + y) * w + x0 + x] = face.pixels[(y / k) * 48 + x / k] } }
        }
        let picture = try PixelBuffer(width: w, height: h, format: .gray, pixels: canvas)
        let detector = try MTCNNDetector(networks: Detectors.mtcnn.networks, configuration: .facenet)
        expectSameBoxes(try detector.detect(in: picture), expected, "FER composite")
    }

    @Test func shrinkingMapsBoxesBack() throws {
        // The default configuration detects on a shrunk copy; boxes come back in the picture's pixels.
        let picture = PixelBuffer(try ImageDecoder.decode(Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png"), format: .rgb))
        let big = try picture.resized(width: 1024, height: 1024)
        let boxes = try Detectors.with { try Detectors.mtcnn.detect(in: big) }
        let want = try MTCNNExpected.load().frames[0].boxes[0].map { $0 * 4 }
        let face = try #require(boxes.first)
        #expect(face.iou(FaceBox(x1: want[0], y1: want[1], x2: want[2], y2: want[3])) > 0.7, "\(face) vs \(want)")
    }
}
