import Director
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks the numbers of an analysis read back from JSON: a hand-edited or corrupt file with a negative,
/// NaN or out-of-range probability used to flow into `correlate`'s statistics as if it were real.
public enum AnalysisValidation {
    /// One line saying where the first bad value is (`face.probabilities.happy is -0.3, ...`), or nil.
    public static func problem(in a: TakeAnalysis) -> String? {
        func probabilities(_ p: EmotionProbabilities?, _ at: String) -> String? {
            guard let p else { return nil }
            for key in p.keys.sorted() {
                let v = p[key] ?? 0
                guard v.isFinite, v >= 0, v <= 1 + 1e-6 else { return "\(at).\(key) is \(v); a probability is between 0 and 1" }
            }
            let sum = p.values.reduce(0, +)
            guard p.isEmpty || abs(sum - 1) <= 1e-3 else { return "\(at) sums to \(sum), not 1" }
            return nil
        }
        func share(_ v: Double?, _ at: String) -> String? {
            guard let v else { return nil }
            return v.isFinite && v >= 0 && v <= 1 + 1e-9 ? nil : "\(at) is \(v); it must be between 0 and 1"
        }
        // Times beyond the longest clock (48 h) would overflow frame and timecode arithmetic downstream.
        func time(_ v: Double, _ at: String) -> String? {
            v.isFinite && v >= 0 && v <= Timecode.maxSeconds
                ? nil : "\(at) is \(v); it must be a number of seconds from 0 to \(Int(Timecode.maxSeconds)) (48 hours)"
        }
        func interval(_ start: Double, _ end: Double, _ at: String) -> String? {
            if let p = time(start, "\(at).start") ?? time(end, "\(at).end") { return p }
            return end < start ? "\(at) ends (\(end)) before it starts (\(start))" : nil
        }
        if let p = time(a.duration, "duration") ?? share(a.face.coverage, "face.coverage") ?? share(a.voice.coverage, "voice.coverage")
            ?? time(a.voice.speechSeconds, "voice.speechSeconds")
            ?? probabilities(a.face.probabilities, "face.probabilities") ?? probabilities(a.voice.probabilities, "voice.probabilities")
            ?? share(a.congruence.score, "congruence.score") {
            return p
        }
        if let r = a.frameRate, !(r.isFinite && r > 0 && r <= Double(FrameRate.maxNominal)) {
            return "frameRate is \(r); it must be a positive number of frames a second, at most \(FrameRate.maxNominal)"
        }
        for (i, f) in a.face.frames.enumerated() {
            if let p = time(f.t, "face.frames[\(i)].t") ?? probabilities(f.probabilities, "face.frames[\(i)].probabilities") { return p }
        }
        for (i, s) in a.voice.segments.enumerated() {
            if let p = interval(s.start, s.end, "voice.segments[\(i)]") ?? probabilities(s.probabilities, "voice.segments[\(i)].probabilities") {
                return p
            }
        }
        for (i, s) in a.verdict.spans.enumerated() {
            if let p = interval(s.start, s.end, "verdict.spans[\(i)]") { return p }
        }
        for (i, s) in a.congruence.segments.enumerated() {
            if let p = interval(s.start, s.end, "congruence.segments[\(i)]") ?? share(s.score, "congruence.segments[\(i)].score")
                ?? share(s.faceCoverage, "congruence.segments[\(i)].faceCoverage")
                ?? probabilities(s.face, "congruence.segments[\(i)].face") ?? probabilities(s.voice, "congruence.segments[\(i)].voice") {
                return p
            }
        }
        return nil
    }

    /// The first problem among several takes, with the take's index when there are several.
    public static func problem(in takes: [TakeAnalysis]) -> String? {
        for (i, t) in takes.enumerated() {
            if let p = problem(in: t) { return takes.count == 1 ? p : "takes[\(i)].\(p)" }
        }
        return nil
    }
}

/// Reading a small input file (analysis JSON, policy): only a regular file, only up to a size limit, so a FIFO
/// or a device cannot hang the run and a huge file cannot exhaust memory. Errors are one line naming the file.
public enum SmallInputFile {
    /// Largest analysis JSON or policy file read (an analysis of a 2-hour take at 5 frames per second is ~15 MB).
    public static let maxBytes = 256 << 20

    public static func read(_ path: String, maxBytes: Int = SmallInputFile.maxBytes) throws -> Data {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw ReportError(.unreadable, path: path, reason: errno == ENOENT ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            let what = st.st_mode & S_IFMT == S_IFDIR ? "a folder" : st.st_mode & S_IFMT == S_IFIFO ? "a FIFO (named pipe)" : "not a regular file"
            throw ReportError(.unreadable, path: path, reason: "it is \(what), expected a file")
        }
        guard Int(st.st_size) <= maxBytes else {
            throw ReportError(.unreadable, path: path, reason: "\(st.st_size) bytes, more than the \(maxBytes >> 20) MB accepted")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError(.unreadable, path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}
