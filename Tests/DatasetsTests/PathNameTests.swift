import Datasets
import Foundation
import Testing

/// PathName against NSString's path methods, the reference on every input where corelibs-foundation does not trap.
@Suite("Path names")
struct PathNameTests {
    /// Every path of up to `length` characters over an alphabet with the separators, dots and a non-ASCII letter.
    static func paths(upTo length: Int) -> [String] {
        var all = [""], frontier = [""]
        for _ in 0..<length {
            frontier = frontier.flatMap { p in ["a", "/", ".", "é"].map { p + $0 } }
            all += frontier
        }
        return all
    }

    /// The examples of Apple's NSString documentation (lastPathComponent, deletingLastPathComponent).
    @Test func documentedExamples() {
        for (path, name) in [("/tmp/scratch.tiff", "scratch.tiff"), ("/tmp/scratch", "scratch"), ("/tmp/", "tmp"),
                             ("scratch///", "scratch"), ("/", "/"), ("", "")] {
            #expect(PathName.last(path) == name, "\(path)")
        }
        for (path, folder) in [("/tmp/scratch.tiff", "/tmp"), ("/tmp/lock/", "/tmp"), ("/tmp/", "/"), ("/tmp", "/"), ("/", "/"),
                               ("scratch.tiff", "")] {
            #expect(PathName.directory(path) == folder, "\(path)")
        }
    }

    /// NSString.lastPathComponent traps only after a double slash (three slashes in FuzzAnalysisJSON's find
    /// `a.mp4////)//`, two before a name "é"); everywhere else it is the reference.
    @Test func lastAgreesWithNSStringWhereItDoesNotTrap() {
        var compared = 0
        for p in Self.paths(upTo: 6) where !p.contains("//") {
            #expect(PathName.last(p) == (p as NSString).lastPathComponent, "\(p)")
            compared += 1
        }
        #expect(compared > 2_000)
    }

    /// The paths on which NSString traps get the name and folder of the same path with single slashes and no trailing one.
    @Test func pathsThatTrapFoundation() {
        for (path, name, folder) in [("a.mp4////)//", ")", "a.mp4"), ("a///b//", "b", "a"), ("Day 1//é", "é", "Day 1"),
                                     ("//é", "é", "/"), ("a", "a", ""), ("./", ".", ""), ("b//", "b", "")] {
            #expect(PathName.last(path) == name, "\(path)")
            #expect(PathName.directory(path) == folder, "\(path)")
        }
    }

    /// NSString.deletingLastPathComponent traps on one-character names ("a", "./"), so the reference is
    /// the path itself: the folder, a slash and the name give back the path with repeated and trailing slashes removed.
    @Test func directoryAndNameRebuildThePath() {
        for p in Self.paths(upTo: 7) {
            let tidy = p.split(separator: "/").joined(separator: "/")
            let rebuilt: String
            switch (PathName.directory(p), PathName.last(p)) {
            case ("", let name): rebuilt = name
            case ("/", "/"): rebuilt = "/"
            case ("/", let name): rebuilt = "/" + name
            case (let folder, let name): rebuilt = folder + "/" + name
            }
            #expect(rebuilt == (p.hasPrefix("/") ? "/" + tidy : tidy), "\(p)")
            // Where NSString has an inner slash to cut at (and no double slash), it agrees too.
            if !p.hasPrefix("/"), !p.contains("//"), p.split(separator: "/").count > 1 {
                #expect(PathName.directory(p) == (p as NSString).deletingLastPathComponent, "\(p)")
            }
        }
    }
}
