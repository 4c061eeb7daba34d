import COpenCV
import Foundation

/// OpenCV runtime facts.
public enum OpenCV {
    /// OpenCV's version, e.g. "4.6.0".
    public static var version: String { String(cString: cv_version_string()) }
    /// The calling thread's last COpenCV error.
    static var lastError: String {
        let s = String(cString: cv_last_error())
        return s.isEmpty ? "OpenCV call failed" : s
    }
    /// OpenCV's worker threads.
    public static var threads: Int { Int(cv_get_threads()) }
    public static func setThreads(_ n: Int) { _ = cv_set_threads(Int32(n)) }
}
