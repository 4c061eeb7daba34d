import Crypto
import Foundation

/// SHA-256 of bytes and files (swift-crypto), as lowercase hex: the analysis fingerprint hashes the model files'
/// content with it, and the batch store keys takes on their files' content with it.
public enum ContentHash {
    /// A file that cannot be hashed: one line naming it.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The file's bytes, read in 1 MiB pieces (takes are gigabytes).
    public static func file(_ url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let why = FileManager.default.fileExists(atPath: url.path) ? "cannot read the file" : "no such file"
            throw ReadError(description: "\(url.path): \(why)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw ReadError(description: "\(url.path): cannot read: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    public static func hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
