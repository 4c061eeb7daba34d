import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One file's identity on disk (device and inode, symlinks followed): two paths name the same file exactly
/// when their identities are equal, whatever `..`, symbolic or hard links they go through.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The identity of the file at `path`, or nil when nothing is there (or it cannot be examined).
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}

/// Inputs a run must never replace: every output path is checked against them before any work starts,
/// and again when a staged output set is committed (catching files whose names were only known later).
public struct InputProtection: Sendable {
    /// Identities of the existing inputs, with the path each was given as.
    public private(set) var inputs: [FileIdentity: String] = [:]

    public init(inputs paths: [String] = []) {
        for p in paths { add(p) }
    }

    /// Protects one more input (ignored when nothing exists at `path`).
    public mutating func add(_ path: String) {
        if let id = FileIdentity(path: path), inputs[id] == nil { inputs[id] = path }
    }

    /// The input that `path` would replace, if any.
    public func input(replacedBy path: String) -> String? {
        FileIdentity(path: path).flatMap { inputs[$0] }
    }

    /// Throws a one-line error when the output `path` (given with `option`, e.g. `--json`) is an input.
    public func check(_ option: String, _ path: String?) throws {
        guard let path, path != "-", let input = input(replacedBy: path) else { return }
        let same = input == path ? "" : " (\(input))"
        throw ReportError(.overwritesInput, path: path,
                          reason: "\(option) would overwrite the input file\(same); choose another output path, nothing was written")
    }

    /// The same for files that a writer will create inside the folder `directory` (`names`: their file names).
    public func check(_ option: String, directory: String?, names: [String]) throws {
        guard let directory else { return }
        for name in names { try check(option, URL(fileURLWithPath: directory).appendingPathComponent(name).path) }
    }
}

/// A set of report files replaced together: every file is first written whole under a hidden temporary
/// name beside its destination, then all are renamed into place, the `last` file (the JSON) last, as the
/// set's commit marker. A crash before the renames leaves the old set untouched; the hidden temporaries
/// a `kill -9` leaves behind are removed by the next run that writes into the same folder.
public final class OutputSet: @unchecked Sendable {
    @TaskLocal static var current: OutputSet?

    /// Suffix of staged files: `.<name>.takesense-tmp-<pid>` (hidden; the pid tells a stale one from a live one).
    static let marker = ".takesense-tmp-"

    private let protection: InputProtection
    private var staged: [(temp: URL, final: URL)] = []
    private let lock = NSLock()

    init(protection: InputProtection) {
        self.protection = protection
    }

    /// Runs `body` (which calls writers) with every write staged, then commits the set: `last` (when written)
    /// is renamed after all the others. When `body` throws or an output would replace an input, nothing is
    /// renamed and the temporaries are removed.
    @discardableResult
    public static func replaceTogether<R>(protecting protection: InputProtection = InputProtection(), last: URL? = nil,
                                          _ body: () throws -> R) throws -> R {
        let set = OutputSet(protection: protection)
        let result: R
        do {
            result = try $current.withValue(set) { try body() }
            try set.commit(last: last)
        } catch {
            set.discard()
            throw error
        }
        return result
    }

    /// Writes one file: staged into the current set inside `replaceTogether`, else atomically on its own.
    /// For writers outside this module (e.g. `correlate`'s tables) to join a set.
    public static func write(_ data: Data, to url: URL) throws {
        try ReportFiles.write(data, to: url)
    }

    func stage(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent)\(Self.marker)\(getpid())")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            Self.removeStale(in: dir)
            try data.write(to: temp)
            // The data must be on disk before the rename makes it visible under the final name.
            let fd = open(temp.path, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw ReportError(.unwritable, path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
        lock.lock()
        staged.removeAll { $0.final.standardizedFileURL == url.standardizedFileURL }
        staged.append((temp, url))
        lock.unlock()
    }

    private func commit(last: URL?) throws {
        lock.lock()
        defer { lock.unlock() }
        // Names known only now (per-take CSVs, markers) are checked against the inputs before anything moves.
        for (_, final) in staged { try protection.check("an output", final.path) }
        let lastPath = last?.standardizedFileURL.path
        let ordered = staged.filter { $0.final.standardizedFileURL.path != lastPath } + staged.filter { $0.final.standardizedFileURL.path == lastPath }
        guard let anchor = ordered.last?.final else { return }
        // A journal of the renames, written before the first one: a run killed between two renames leaves it,
        // and the next run writing into the same folder finishes the renames (every new file is whole), so the
        // set ends up new, never mixed. Without the journal on disk, no rename has started or all are done.
        let journal = anchor.deletingLastPathComponent().appendingPathComponent("\(Self.journalPrefix)\(Self.marker)\(getpid())")
        let pairs = ordered.map { [$0.temp.path, $0.final.path] }
        do {
            try JSONSerialization.data(withJSONObject: pairs).write(to: journal, options: .atomic)
        } catch {
            throw ReportError(.unwritable, path: journal.path, reason: "cannot write the commit journal: \(error.localizedDescription)")
        }
        for (temp, final) in ordered {
            guard rename(temp.path, final.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw ReportError(.unwritable, path: final.path, reason: "cannot move the new file into place: \(reason)")
            }
        }
        unlink(journal.path)
        staged.removeAll()
    }

    /// File name of the commit journal (followed by `marker` and the pid).
    static let journalPrefix = ".takesense-commit"

    /// Finishes the renames of a killed run's journal (files whose temporary is gone were already renamed).
    static func rollForward(journal: URL) {
        if let data = try? Data(contentsOf: journal), let pairs = (try? JSONSerialization.jsonObject(with: data)) as? [[String]] {
            for pair in pairs where pair.count == 2 && FileManager.default.fileExists(atPath: pair[0]) {
                _ = rename(pair[0], pair[1])
            }
        }
        unlink(journal.path)
    }

    private func discard() {
        lock.lock()
        defer { lock.unlock() }
        for (temp, _) in staged { try? FileManager.default.removeItem(at: temp) }
        staged.removeAll()
    }

    /// Removes temporaries left in `dir` by a run that no longer exists (killed before its commit).
    /// A killed run's commit journal is rolled forward first (its temporaries are the new set), then the rest go.
    static func removeStale(in dir: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        func deadWriter(_ name: String) -> Bool {
            guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards), let pid = Int32(name[range.upperBound...]) else {
                return false
            }
            // kill(pid, 0) fails with ESRCH when no such process exists: the writer is gone.
            return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
        }
        for name in names where name.hasPrefix(journalPrefix) && deadWriter(name) {
            rollForward(journal: dir.appendingPathComponent(name))
        }
        for name in names where !name.hasPrefix(journalPrefix) && deadWriter(name) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }
}
