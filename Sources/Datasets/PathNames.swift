/// The name and the folder of a path, from its text alone.
///
/// Swift-corelibs-foundation's `NSString` path methods trap (SIGILL, "Illegal instruction") on valid paths:
/// `deletingLastPathComponent` on a one-character name ("a", "./", "b//"); `lastPathComponent` and
/// `deletingLastPathComponent` on a double slash before a one-character non-ASCII name ("Day 1//é"); and those two,
/// `pathExtension` and `deletingPathExtension` on three slashes before a name followed by two trailing ones
/// ("a///b//"). FuzzAnalysisJSON found the last through an analysis JSON whose `take` was `a.mp4////)//` (Swift
/// 6.3.1 on Linux; every path of up to six characters over "a", "/" and ".", and up to five over "a", "/", "é",
/// tried). A path comes from the user, a manifest or a JSON file, so TakeSense uses these instead; `Scripts/lint.sh`
/// refuses the `NSString` methods in Sources. `URL`'s methods do not trap.
///
/// Both follow `NSString`'s documented behaviour on Apple's platforms: repeated slashes count as one and trailing
/// slashes are ignored.
public enum PathName {
    /// The last component: "/tmp/scratch.tiff" → "scratch.tiff", "/tmp/" → "tmp", "scratch///" → "scratch",
    /// "/" → "/", "" → "".
    public static func last(_ path: String) -> String {
        if let name = path.split(separator: "/").last { return String(name) }
        return path.isEmpty ? "" : "/"
    }

    /// The path without its last component: "/tmp/scratch.tiff" → "/tmp", "/tmp/lock/" → "/tmp", "/tmp/" → "/",
    /// "/" → "/", "scratch.tiff" → "".
    public static func directory(_ path: String) -> String {
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        return path.hasPrefix("/") ? "/" + folder : folder
    }
}
