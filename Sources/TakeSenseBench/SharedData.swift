import Faces
import Foundation
import Media

/// Where the benchmarks find the shared real data (FER2013 image folders, RAVDESS, TESS), which is
/// never copied into the repository.
public enum SharedData {
    /// The FER2013 image folders: `override`, `TAKESENSE_SHARED_DATA/fer2013`, or `shared/data/fer2013`
    /// beside `repository` (or the working directory).
    public static func fer2013(_ override: String?, repository: URL) throws -> String {
        if let override { return override }
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"] { candidates.append(env + "/fer2013") }
        candidates.append(repository.deletingLastPathComponent().appendingPathComponent("shared/data/fer2013").path)
        candidates.append("../shared/data/fer2013")
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/validation") }) else {
            throw BenchError("FER2013 image folders not found (looked in \(candidates.joined(separator: ", "))); pass --data")
        }
        return found
    }

    /// RAVDESS: `override`, or `ravdess/` beside the FER2013 folder.
    public static func ravdess(_ override: String?, fer: String?, repository: URL) throws -> String {
        if let override { return override }
        let ferRoot = try fer2013(fer, repository: repository)
        let candidate = URL(fileURLWithPath: ferRoot).deletingLastPathComponent().appendingPathComponent("ravdess").path
        guard FileManager.default.fileExists(atPath: candidate) else { throw BenchError("RAVDESS folder not found next to \(ferRoot); pass --ravdess") }
        return candidate
    }

    /// The face of a generated take: a frontal FER2013 validation face (FER2013 folders found as `fer2013` does).
    public static func frontalFace(fer: String?, repository: URL) throws -> String {
        try fer2013(fer, repository: repository) + "/validation/happy/PublicTest_10130075.jpg"
    }

    /// The FER2013 folders and the RAVDESS folder a generated take's face and voice come from.
    public static func faceAndVoice(fer: String?, ravdess: String?, repository: URL) throws -> (fer2013: String, ravdess: String) {
        (try fer2013(fer, repository: repository), try self.ravdess(ravdess, fer: fer, repository: repository))
    }

    /// The repository's sample take (Samples/sample-take.mp4).
    public static func sampleTake(repository: URL) -> String {
        repository.appendingPathComponent("Samples/sample-take.mp4").path
    }

    /// FER2013 validation faces (all classes), in a seeded order.
    static func fer2013Faces(_ root: String, count: Int, seed: UInt64) throws -> [PixelBuffer] {
        let fm = FileManager.default
        var files: [String] = []
        for label in try fm.contentsOfDirectory(atPath: root + "/validation").sorted() {
            let dir = root + "/validation/" + label
            files += (try? fm.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".jpg") }.sorted().map { dir + "/" + $0 } ?? []
        }
        guard !files.isEmpty else { throw BenchError("\(root)/validation: no FER2013 images found") }
        var composer = SceneComposer(width: 2, height: 2, seed: seed)
        for i in stride(from: files.count - 1, to: 0, by: -1) { files.swapAt(i, composer.integer(in: 0...i)) }
        return try files.prefix(count).map { PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: $0), format: .gray)) }
    }
}
