import Foundation

/// Directory listing helpers shared by the loaders: sorted, hidden entries ignored, symlinks followed
/// (to a bounded depth, so a symlink loop cannot hang a scan).
enum FileScan {
    /// How deep recursive scans go below their root.
    static let maxDepth = 12

    /// Throws unless `path` is an existing directory.
    static func requireDirectory(_ path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw DatasetError.missingDirectory(path: path)
        }
        guard isDir.boolValue else { throw DatasetError.notADirectory(path: path) }
    }

    /// Whether `path` is an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// `root` joined with a relative path.
    static func join(_ root: String, _ relative: String) -> String {
        if root.isEmpty { return relative }
        return root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    /// The non-hidden entries of a directory, sorted, split into directories and files.
    static func entries(of path: String) throws -> (directories: [String], files: [String]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw DatasetError.unreadable(path: path, reason: describe(error))
        }
        var dirs: [String] = []
        var files: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            if isDirectory(join(path, name)) { dirs.append(name) } else { files.append(name) }
        }
        return (dirs, files)
    }

    /// Every non-hidden file below `root`, as sorted relative paths (`sub/dir/file.ext`).
    static func filesRecursively(under root: String) throws -> [String] {
        var result: [String] = []
        func walk(_ relative: String, depth: Int) throws {
            let dir = relative.isEmpty ? root : join(root, relative)
            let (dirs, files) = try entries(of: dir)
            for f in files { result.append(relative.isEmpty ? f : relative + "/" + f) }
            guard depth < maxDepth else { return }
            for d in dirs { try walk(relative.isEmpty ? d : relative + "/" + d, depth: depth + 1) }
        }
        try walk("", depth: 0)
        return result.sorted()
    }

    /// The lower-cased extension of a file name (`"wav"` for `a.WAV`), or `""`.
    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// The file name without its extension.
    static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The last path component of a relative path.
    static func lastComponent(_ relative: String) -> String {
        guard let slash = relative.lastIndex(of: "/") else { return relative }
        return String(relative[relative.index(after: slash)...])
    }

    /// The parent folder's name of a relative path, or `nil` for a file at the root.
    static func parentName(_ relative: String) -> String? {
        let parts = relative.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : nil
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return ns.localizedFailureReason ?? ns.localizedDescription
    }
}
