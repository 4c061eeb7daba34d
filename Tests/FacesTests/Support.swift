import Foundation
import Testing

import Faces
import Media
import TakeSenseTestSupport

/// Paths the face tests use: the repository, its Models/ folder, the test fixtures, and the real data in
/// `../shared/data` (or `TAKESENSE_SHARED_DATA`), absent on users' machines (lookups in TakeSenseTestSupport).
enum Paths {
    static let repository = Repository.root
    static let mtcnnWeights = repository.appendingPathComponent("Models/mtcnn.safetensors")
    static let fixtures: URL = {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return url }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }()

    static var fer2013: String? { SharedData.folder("fer2013") }

    static func temporary(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-faces-tests", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }
}

let noFER: Comment = "shared/data/fer2013 not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping tests on real FER2013 faces"

/// Detectors are loaded once (the MTCNN weights and the cascade are reused by every test).
enum Detectors {
    nonisolated(unsafe) static let haar: HaarCascadeDetector = try! HaarCascadeDetector()
    nonisolated(unsafe) static let mtcnn: MTCNNDetector = try! MTCNNDetector(weights: Paths.mtcnnWeights)
    static let lock = NSLock()

    /// Runs `body` with exclusive use of the shared detectors (tests may run in parallel).
    static func with<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A few FER2013 faces (validation split), decoded gray.
enum FERFaces {
    static func load(count: Int, offset: Int = 0) throws -> [PixelBuffer] {
        let root = try #require(Paths.fer2013)
        let dir = root + "/validation/happy"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jpg") }.sorted()
        return try names.dropFirst(offset).prefix(count).map {
            PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: dir + "/" + $0), format: .gray))
        }
    }
}
