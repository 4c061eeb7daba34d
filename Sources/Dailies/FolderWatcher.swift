import Datasets
import Foundation

/// Finds takes in a folder (recursive) as recorders finish them: a file is ready once its size and modification
/// time have not changed for `stableSeconds` and its container opens with a video stream. A file still
/// growing, or not (yet) readable, is looked at again only when it changes, so a non-video file is probed once.
public struct FolderWatcher: Sendable {
    public var folder: String
    public var stableSeconds: Double
    public var pollSeconds: Double

    public init(folder: String, stableSeconds: Double = 3, pollSeconds: Double = 1) {
        self.folder = folder
        self.stableSeconds = stableSeconds
        self.pollSeconds = pollSeconds
    }

    struct Seen: Equatable {
        var size: Int64
        var modified: Date
        var since: Date
        /// Probed at this size/date: nil = not yet, false = not a readable video, true = handed over.
        var probed: Bool?
    }

    /// Calls `ready` with each complete take (once per content state), until the task is cancelled.
    public func run(_ ready: @Sendable (TakeInput) async -> Void) async throws {
        var seen: [String: Seen] = [:]
        while !Task.isCancelled {
            let now = Date()
            for (path, size, modified) in Self.files(under: folder) {
                var entry = seen[path] ?? Seen(size: size, modified: modified, since: now, probed: nil)
                if entry.size != size || entry.modified != modified {
                    entry = Seen(size: size, modified: modified, since: now, probed: nil)
                }
                if entry.probed == nil, size > 0, now.timeIntervalSince(entry.since) >= stableSeconds {
                    if let seconds = TakeInputs.videoSeconds(path) {
                        entry.probed = true
                        seen[path] = entry
                        await ready(TakeInput(path: path, seconds: seconds))
                    } else {
                        entry.probed = false
                    }
                }
                seen[path] = entry
            }
            try await Task.sleep(nanoseconds: UInt64(pollSeconds * 1e9))
        }
    }

    /// Regular, non-hidden files under `folder` with their size and modification time.
    static func files(under folder: String) -> [(String, Int64, Date)] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder) else { return [] }
        var out: [(String, Int64, Date)] = []
        while let relative = walker.nextObject() as? String {
            if PathName.last(relative).hasPrefix(".") { walker.skipDescendants(); continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let a = try? fm.attributesOfItem(atPath: path), a[.type] as? FileAttributeType == .typeRegular else { continue }
            out.append((path, (a[.size] as? NSNumber)?.int64Value ?? 0, a[.modificationDate] as? Date ?? .distantPast))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
