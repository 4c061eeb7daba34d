import Faces
import Foundation
import Testing

/// The decode-ahead thread only changes when frames are decoded, never what is found in them.
@Suite("TakeFaceAnalyzer with and without decoding ahead")
struct ReadAheadTests {
    @Test("The sample take's faces, tracks and crops are the same either way",
          .enabled(if: FileManager.default.fileExists(atPath: Paths.mtcnnWeights.path)))
    func sameResult() throws {
        let detector = try MTCNNDetector(weights: Paths.mtcnnWeights)
        let take = Paths.repository.appendingPathComponent("Samples/sample-take.mp4")
        var results: [TakeFaceResult] = []
        for ahead in [true, false] {
            var options = TakeFaceOptions(sampling: 5, crop: FaceCropper(size: 48, margin: 0, format: .gray))
            options.readAhead = ahead
            var seen: [Double] = []
            results.append(try TakeFaceAnalyzer(detector: detector, options: options).analyze(take) { seen.append($0.timestamp) })
            #expect(seen.count == results.last?.frames && seen == seen.sorted())
        }
        #expect(results[0].frames > 0 && results[0].frames == results[1].frames)
        #expect(results[0].framesWithFaces == results[1].framesWithFaces && results[0].tracks == results[1].tracks)
        #expect(results[0].mainCrops == results[1].mainCrops && !results[0].mainCrops.isEmpty)
    }
}
