// swift-tools-version:6.0
import Foundation
import PackageDescription

// libtorch 1.13.1 from Debian (`libtorch-dev`). Its C++ API headers live outside the default include
// path, hence unsafeFlags (allowed in a root package). libtorch's headers need C++17 (not C++20 with clang).
let torchIncludes: [String] = ["-I/usr/include/torch/csrc/api/include"]

let package = Package(
    name: "TakeSense",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "takesense", targets: ["takesense"]),
        .library(name: "TakeSenseKit", targets: ["Torch", "TensorFiles", "Media", "Stats", "Datasets", "FaceEmotion", "VoiceEmotion", "Training", "Faces", "Director", "Reports", "SceneAnalysis", "Correlation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Editing-application marker files in XML (FCP7 xmeml, FCPXML) are encoded, never concatenated.
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        // Dailies (issue 16): the batch store in SQLite (GRDB) or a shared PostgreSQL, and the on-set page (Hummingbird).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // SHA-256 of each take's bytes (already built for postgres-nio).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0" ..< "6.0.0"),
    ],
    targets: [
        // C++17 shim: an extern "C" API over libtorch with opaque handles and a thread-local last error.
        .target(
            name: "CTorch",
            cxxSettings: [.unsafeFlags(torchIncludes + ["-Wno-deprecated-declarations"])],
            linkerSettings: [
                .linkedLibrary("torch"), .linkedLibrary("torch_cpu"), .linkedLibrary("c10"),
            ]
        ),
        // Weight files in pure Swift, bounds-checked: safetensors (read/write), PyTorch .pth zips, CTranslate2 model.bin.
        .target(name: "TensorFiles"),
        // Tensors, autograd, modules named like PyTorch's state_dict, layers, optimizers.
        .target(name: "Torch", dependencies: ["CTorch", "TensorFiles"]),
        // FFmpeg 5.1 libraries through pkg-config.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libswresample libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev", "libavutil-dev"])]
        ),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        // Dataset-level statistics (chi-square, phi, Cramér's V, Pearson), exact to scipy.
        .target(name: "Stats"),
        // Corpus layouts (FER2013 CSV/folders, CK+, RAVDESS, CREMA-D, TESS, SAVEE), label sets, split presets.
        .target(name: "Datasets"),
        .target(name: "FaceEmotion", dependencies: ["Torch", "Datasets", "Media", "Training", "Stats"]),
        .target(name: "VoiceEmotion", dependencies: ["Torch", "Media", "Datasets", "Training", "Stats"]),
        // Training loop, checkpoints, curves, evaluation reports: shared by face and voice.
        .target(name: "Training", dependencies: ["Torch", "Stats"]),
        // C++17 shim: an extern "C" API over OpenCV's Haar cascade and area resize (Debian's libopencv-dev).
        .target(
            name: "COpenCV",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4"])],
            linkerSettings: [.linkedLibrary("opencv_core"), .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_objdetect")]
        ),
        // Face detection (Haar cascade, MTCNN on the engine), tracking across sampled frames, crops.
        .target(name: "Faces", dependencies: ["Torch", "Media", "COpenCV"]),
        // Result types of a take's analysis, congruence, keep/retake/unsure and ranking: pure Swift, no models.
        .target(name: "Director"),
        // Report writers: JSON (+ reader), CSV tables, marker files (SRT/VTT/EDL/CSV/FCP XML/FCPXML/OTIO/Avid), self-contained HTML, PNG thumbnails.
        .target(name: "Reports", dependencies: [
            "Director", .product(name: "Mustache", package: "swift-mustache"), .product(name: "CSV", package: "CSV.swift"),
            .product(name: "XMLCoder", package: "XMLCoder"),
        ]),
        // The study's correlation analysis across many analysed takes (chi-square, phi, Cramér's V, Pearson).
        .target(name: "Correlation", dependencies: ["Stats", "Director", "Datasets", "Reports"]),
        // Runs the face and voice models over a take (two threads) and hands the results to Director.
        .target(name: "SceneAnalysis", dependencies: ["Director", "Reports", "Faces", "FaceEmotion", "VoiceEmotion", "Media", "Torch"]),
        // A day of takes: the resumable store (SQLite or PostgreSQL behind one protocol), input discovery, sharding,
        // the batch runner and the folder watcher. Analysis comes in through `TakeAnalyzing`.
        .target(name: "Dailies", dependencies: [
            "Director", "Reports", "Media", "Correlation", "Datasets",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
        ]),
        // The on-set page for video assist: a Hummingbird server over a store (HTML, server-sent events, JSON API).
        .target(name: "OnSet", dependencies: ["Dailies", "Director", "Reports", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "takesense",
            dependencies: [
                "Torch", "Media", "Stats", "Datasets", "FaceEmotion", "VoiceEmotion", "Training",
                "Faces", "Director", "Reports", "SceneAnalysis", "Correlation", "Dailies", "OnSet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TorchTests", dependencies: ["Torch"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorFilesTests", dependencies: ["TensorFiles"]),
        .testTarget(name: "StatsTests", dependencies: ["Stats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MediaTests", dependencies: ["Media"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "ModelTests", dependencies: ["Torch", "FaceEmotion", "VoiceEmotion", "Training"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DirectorTests", dependencies: ["Director"]),
        .testTarget(name: "VADTests", dependencies: ["VoiceEmotion", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Director"]),
        // Runs the `takesense` executable that `swift build --build-tests` builds beside it (exit status, outputs, files).
        .testTarget(name: "CLITests"),
        .testTarget(name: "SceneAnalysisTests", dependencies: ["SceneAnalysis", "Director", "Reports", "Faces", "FaceEmotion", "VoiceEmotion", "Media"]),
        .testTarget(name: "CorrelationTests", dependencies: ["Correlation", "Director", "Datasets", "Stats"], resources: [.copy("Fixtures")]),
        // The store tests run against SQLite and PostgreSQL (a throw-away cluster, Scripts/postgres-test.sh); batch/watch end to end.
        .testTarget(name: "DailiesTests", dependencies: ["Dailies", "Director", "Reports"]),
        .testTarget(name: "FacesTests", dependencies: ["Faces", "Media", "Torch"], resources: [.copy("Fixtures")]),
    ],
    cxxLanguageStandard: .cxx17
)

// libFuzzer targets for the file readers (Fuzz/, run by Scripts/fuzz.sh): only declared with TAKESENSE_FUZZ=1,
// because they are built with -sanitize=fuzzer,address and have no main of their own.
if ProcessInfo.processInfo.environment["TAKESENSE_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzSafeTensors", ["TensorFiles"]), ("FuzzPyTorch", ["TensorFiles"]), ("FuzzCTranslate2", ["VoiceEmotion"]),
        ("FuzzModelMetadata", ["FaceEmotion", "VoiceEmotion", "TensorFiles"]), ("FuzzPolicy", ["Director"]),
        ("FuzzManifest", ["Datasets"]), ("FuzzAnalysisJSON", ["Reports", "Director"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(name)"))
    }
}
