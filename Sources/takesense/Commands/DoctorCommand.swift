import ArgumentParser
import Foundation
import Torch

typealias Engine = Torch

/// `takesense doctor`: what the engine runs on, and which system packages are missing.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check libtorch, threads, BLAS and the system packages TakeSense needs."
    )

    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        let report = try SystemCheck.run()
        print(report.text)
        if !report.missing.isEmpty {
            throw Failure("missing system packages: \(report.missing.joined(separator: " ")) — install with: sudo apt-get install \(report.missing.joined(separator: " "))")
        }
    }
}

struct SystemCheck {
    var text: String
    var missing: [String]

    /// (what, apt package, files any of which proves it is installed)
    static let requirements: [(String, String, [String])] = [
        ("libtorch (C++ library and headers)", "libtorch-dev", ["/usr/include/torch/csrc/api/include/torch/torch.h"]),
        ("OpenBLAS, OpenMP variant", "libopenblas0-openmp", ["/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3", "/usr/lib/aarch64-linux-gnu/openblas-openmp/libblas.so.3"]),
        ("FFmpeg libraries", "libavformat-dev", ["/usr/include/x86_64-linux-gnu/libavformat/avformat.h", "/usr/include/aarch64-linux-gnu/libavformat/avformat.h", "/usr/include/libavformat/avformat.h"]),
        ("ffmpeg command (tests, benchmarks)", "ffmpeg", ["/usr/bin/ffmpeg"]),
        ("pkg-config", "pkg-config", ["/usr/bin/pkg-config"]),
        ("OpenCV libraries and headers (Haar face detector)", "libopencv-dev", ["/usr/include/opencv4/opencv2/objdetect.hpp"]),
        ("OpenCV Haar cascades", "opencv-data", ["/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"]),
    ]

    static func run() throws -> SystemCheck {
        var lines: [String] = []
        lines.append("libtorch      \(Torch.version)")
        lines.append("threads       \(Torch.threads) intra-op (cores: \(ProcessInfo.processInfo.activeProcessorCount))")
        let blas = try loadedBLAS()
        lines.append("BLAS          \(blas.name) (\(blas.path))")
        lines.append("CUDA          \(Torch.cudaAvailable ? "available" : "not available (CPU build)")")
        var missing: [String] = []
        for (what, package, paths) in requirements {
            let ok = paths.contains { FileManager.default.fileExists(atPath: $0) }
            lines.append("\(ok ? "ok     " : "MISSING") \(what) [\(package)]")
            if !ok { missing.append(package) }
        }
        if blas.name.contains("reference") {
            lines.append("warning: libtorch is using the reference BLAS, 10-40x slower: apt-get install libopenblas0-openmp")
        } else if blas.name.contains("pthread") {
            lines.append("warning: the pthread OpenBLAS fights libtorch's OpenMP threads; select the OpenMP one: update-alternatives --set libblas.so.3-$(uname -m)-linux-gnu /usr/lib/$(uname -m)-linux-gnu/openblas-openmp/libblas.so.3")
        }
        return SystemCheck(text: lines.joined(separator: "\n"), missing: missing)
    }

    /// Which BLAS the process actually mapped, after making libtorch use it.
    static func loadedBLAS() throws -> (name: String, path: String) {
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
