import Foundation
import Torch

/// `takesense doctor`'s checks: what the engine runs on, which system packages the main job needs (missing:
/// the command exits 1) and which tools only the tests and benchmarks use (missing: reported, exit 0).
public struct SystemCheck: Sendable {
    public var text: String
    /// Packages the main job needs that are not installed (doctor exits 1).
    public var missing: [String]
    /// Packages only the tests or benchmarks use that are not installed (reported; doctor exits 0).
    public var missingOptional: [String]

    /// What doctor fails with when a package the main job needs is missing (nil when none is), with the command
    /// that installs them.
    public var problem: String? {
        guard !missing.isEmpty else { return nil }
        let packages = missing.joined(separator: " ")
        return "missing system packages: \(packages) — install with: sudo apt-get install \(packages)"
    }

    /// What the build and `takesense analyze` need: (what, apt package, files any of which proves it is installed).
    public static let requirements: [(String, String, [String])] = [
        ("libtorch (C++ library and headers)", "libtorch-dev", ["/usr/include/torch/csrc/api/include/torch/torch.h"]),
        ("OpenBLAS, OpenMP variant", "libopenblas0-openmp",
         ["/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3", "/usr/lib/aarch64-linux-gnu/openblas-openmp/libblas.so.3"]),
        ("FFmpeg libraries", "libavformat-dev",
         ["/usr/include/x86_64-linux-gnu/libavformat/avformat.h", "/usr/include/aarch64-linux-gnu/libavformat/avformat.h",
          "/usr/include/libavformat/avformat.h"]),
        ("pkg-config", "pkg-config", ["/usr/bin/pkg-config"]),
        ("OpenCV libraries and headers (Haar face detector)", "libopencv-dev", ["/usr/include/opencv4/opencv2/objdetect.hpp"]),
        ("OpenCV Haar cascades", "opencv-data", ["/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"]),
    ]

    /// Commands only the tests and benchmarks run: (what, apt package, command names any of which on PATH proves it).
    /// Looked up on PATH (not at a fixed path), as the tests themselves find them.
    public static let optionalTools: [(String, String, [String])] = [
        ("ffmpeg command (tests and benchmarks build their media with it)", "ffmpeg", ["ffmpeg"]),
        ("Chromium (the HTML report screenshot test)", "chromium", ["chromium", "chromium-browser"]),
        ("Python 3 (test fixtures, marker-file readers, benchmark references)", "python3", ["python3"]),
    ]

    public static func run(path: String? = ProcessInfo.processInfo.environment["PATH"]) throws -> SystemCheck {
        var lines: [String] = []
        lines.append("libtorch      \(Torch.version)")
        lines.append("threads       \(Torch.threads) intra-op (cores: \(ProcessInfo.processInfo.activeProcessorCount))")
        let blas = try loadedBLAS()
        lines.append("BLAS          \(blas.name) (\(blas.path))")
        lines.append("CUDA          \(Torch.cudaAvailable ? "available" : "not available (CPU build)")")
        lines.append("required by takesense analyze:")
        var missing: [String] = []
        for (what, package, paths) in requirements {
            let ok = paths.contains { FileManager.default.fileExists(atPath: $0) }
            lines.append("  \(ok ? "ok     " : "MISSING") \(what) [\(package)]")
            if !ok { missing.append(package) }
        }
        lines.append("optional, for tests and benchmarks only:")
        var missingOptional: [String] = []
        for (what, package, commands) in optionalTools {
            let ok = commands.contains { onPath($0, path: path) != nil }
            lines.append("  \(ok ? "ok     " : "absent ") \(what) [\(package)]")
            if !ok { missingOptional.append(package) }
        }
        if !missingOptional.isEmpty {
            lines.append("note: the main job runs without these; ./setup.sh test installs them (apt-get install \(missingOptional.joined(separator: " ")))")
        }
        if blas.name.contains("reference") {
            lines.append("warning: libtorch is using the reference BLAS, 10-40x slower: apt-get install libopenblas0-openmp")
        } else if blas.name.contains("pthread") {
            lines.append("warning: the pthread OpenBLAS fights libtorch's OpenMP threads; select the OpenMP one: "
                + "update-alternatives --set libblas.so.3-$(uname -m)-linux-gnu /usr/lib/$(uname -m)-linux-gnu/openblas-openmp/libblas.so.3")
        }
        return SystemCheck(text: lines.joined(separator: "\n"), missing: missing, missingOptional: missingOptional)
    }

    /// The first executable `name` in the colon-separated `path`, like the shell's lookup.
    public static func onPath(_ name: String, path: String?) -> String? {
        for dir in (path ?? "").split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Which BLAS the process actually mapped, after making libtorch use it.
    public static func loadedBLAS() throws -> (name: String, path: String) {
        let a = try Tensor.rand([64, 64])
        _ = try a.matmul(a)
        // procfs files report size 0: read them as a stream, not with String(contentsOfFile:).
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        let paths = Set(maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init),
                  path.hasPrefix("/"), path.contains("blas") else { return nil }
            return path
        })
        guard let path = paths.sorted().first else { return ("none mapped (libtorch's own kernels)", "-") }
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { _ in
            URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        } ?? path
        let name: String
        if resolved.contains("openblas-openmp") { name = "OpenBLAS (OpenMP)" }
        else if resolved.contains("openblas-pthread") { name = "OpenBLAS (pthread)" }
        else if resolved.contains("openblas") { name = "OpenBLAS" }
        else if resolved.contains("mkl") { name = "MKL" }
        else { name = "reference BLAS" }
        return (name, resolved)
    }
}
