// swift-tools-version:6.0
import Foundation
import PackageDescription

// libtorch: Debian's `libtorch-dev` (1.13.1) by default. Set LIBTORCH to an unpacked libtorch folder
// (tch-rs's convention: $LIBTORCH/include, $LIBTORCH/include/torch/csrc/api/include, $LIBTORCH/lib) to
// build against another one (a CUDA build, a newer release) without editing this file. The C++ API
// headers live outside the default include path, hence unsafeFlags (allowed in a root package).
// libtorch's headers need C++17 (not C++20 with clang).
let libtorch = ProcessInfo.processInfo.environment["LIBTORCH"].flatMap { $0.isEmpty ? nil : $0 }
let torchIncludes: [String] = libtorch.map { ["-I\($0)/include", "-I\($0)/include/torch/csrc/api/include"] }
    ?? ["-I/usr/include/torch/csrc/api/include"]
// With LIBTORCH, its lib folder is searched at link time and recorded as the run path; a CUDA build's
// libtorch_cuda is linked even though no symbol of it is referenced, so that its kernels register.
let torchLinkerFlags: [String] = libtorch.map { lib in
    var flags = ["-L\(lib)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(lib)/lib"]
    if FileManager.default.fileExists(atPath: "\(lib)/lib/libtorch_cuda.so") {
        flags += ["-Xlinker", "--no-as-needed", "-Xlinker", "-ltorch_cuda", "-Xlinker", "--as-needed"]
    }
    return flags
} ?? []

let package = Package(
    name: "TakeSense",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "takesense", targets: ["takesense"]),
        .library(
            name: "TakeSenseKit",
            targets: [
                "Torch", "TensorFiles", "Media", "Stats", "Datasets", "FaceEmotion", "VoiceActivity", "VoiceEmotion", "Training",
                "FaceTraining", "VoiceTraining", "Faces", "Director", "Reports", "SceneAnalysis", "Correlation", "TakeSenseKit",
            ]
        ),
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
            ] + (torchLinkerFlags.isEmpty ? [] : [.unsafeFlags(torchLinkerFlags)])
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
        // Media readers and the image code: FFmpeg decoding, probing, still images, PNG encoding.
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        // Dataset-level statistics (chi-square, phi, Cramér's V, Pearson), exact to scipy.
        .target(name: "Stats"),
        // Corpus layouts (FER2013 CSV/folders, CK+, RAVDESS, CREMA-D, TESS, SAVEE), label sets, split presets.
        .target(name: "Datasets"),
        .target(name: "FaceEmotion", dependencies: ["Torch", "Datasets", "Media", "Stats"]),
        // Where the speech is in a track: an energy voice-activity detector, plain signal processing (no models).
        .target(name: "VoiceActivity"),
        .target(name: "VoiceEmotion", dependencies: ["Torch", "TensorFiles", "Media", "Datasets", "Stats"]),
        // Wav2Vec2, HuBERT and SEW-D with transformers' names: checkpoints TakeSense can load and test, not shipped
        // (not in the TakeSenseKit product; only tests build it).
        .target(name: "SpeechBackbones", dependencies: ["VoiceEmotion", "Torch"]),
        // Training loop, checkpoints, curves, evaluation reports: shared by face and voice.
        .target(name: "Training", dependencies: ["Torch", "Stats"]),
        // Face recipes as Codable values (cpu, crop, study), batches, the training run, evaluation.
        .target(name: "FaceTraining", dependencies: ["FaceEmotion", "Training", "Torch", "Datasets"]),
        // Voice recipes as Codable values (efficient, study, statistics), feature caches, batches, the training
        // run, evaluation, cross-validation and calibration of statistics heads.
        .target(name: "VoiceTraining", dependencies: ["VoiceEmotion", "Training", "Torch", "Datasets", "Media", "Stats"]),
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
        // Report writers: JSON (+ reader), CSV tables, marker files (SRT/VTT/EDL/CSV/FCP XML/FCPXML/OTIO/Avid), self-contained HTML.
        // Also reads analysis JSON files and writes the correlation study's reports (HTML, text, CSV).
        .target(name: "Reports", dependencies: [
            "Director", "Correlation", "Datasets", "Stats",
            .product(name: "Mustache", package: "swift-mustache"), .product(name: "CSV", package: "CSV.swift"),
            .product(name: "XMLCoder", package: "XMLCoder"),
        ]),
        // The study's correlation analysis across many analysed takes (chi-square, phi, Cramér's V, Pearson) and the
        // scenes evaluation; its reports are written by Reports.
        .target(name: "Correlation", dependencies: ["Stats", "Director", "Datasets"]),
        // Runs the stages (face detector, face and voice classifiers, speech segmenter: one protocol each) over a take,
        // face and voice passes side by side, and hands the results to Director.
        .target(name: "SceneAnalysis", dependencies: ["Director", "Faces", "FaceEmotion", "VoiceActivity", "VoiceEmotion", "Media", "Torch"]),
        // The library's entry point: `TakeSense` built from a Codable configuration that finds the bundled models.
        .target(name: "TakeSenseKit", dependencies: [
            "SceneAnalysis", "VoiceActivity", "Director", "Faces", "FaceEmotion", "VoiceEmotion", "Media", "Reports", "TensorFiles", "Torch",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The benchmarks of BENCHMARKS.md (`takesense bench ...`): Codable results rendered as Markdown tables,
        // the ffmpeg CLI and Python references, and the synthetic frames and takes they run on.
        .target(name: "TakeSenseBench", dependencies: [
            "Torch", "Media", "Faces", "FaceEmotion", "VoiceEmotion", "Datasets", "Director", "Reports", "SceneAnalysis", "Correlation", "Stats",
        ]),
        // A day of takes: the resumable store (SQLite or PostgreSQL behind one protocol), input discovery, sharding,
        // the batch runner and the folder watcher. Analysis comes in through `TakeAnalyzing`, which `TakeSense` conforms to.
        .target(name: "Dailies", dependencies: [
            "TakeSenseKit", "Director", "Reports", "Media", "Correlation", "Datasets",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The on-set page for video assist: a Hummingbird server over a store (HTML, server-sent events, JSON API).
        .target(name: "OnSet", dependencies: ["Dailies", "Director", "Reports", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "takesense",
            dependencies: [
                "Torch", "TensorFiles", "Media", "Stats", "Datasets", "FaceEmotion", "VoiceEmotion", "Training",
                "Faces", "Director", "Reports", "SceneAnalysis", "Correlation",
                "FaceTraining", "VoiceTraining", "TakeSenseBench", "TakeSenseKit", "Dailies", "OnSet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Seeded RNG, ffmpeg and tool runners, repository and shared-data lookup: shared by the test targets.
        .target(name: "TakeSenseTestSupport", path: "Tests/TakeSenseTestSupport"),
        .testTarget(name: "TorchTests", dependencies: ["Torch"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorFilesTests", dependencies: ["TensorFiles", "TakeSenseTestSupport"]),
        .testTarget(name: "StatsTests", dependencies: ["Stats", "TakeSenseTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "TakeSenseTestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TakeSenseTestSupport"]),
        .testTarget(
            name: "ModelTests",
            dependencies: [
                "Torch", "TensorFiles", "FaceEmotion", "VoiceEmotion", "SpeechBackbones", "Training", "FaceTraining", "VoiceTraining",
                "TakeSenseTestSupport",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DirectorTests", dependencies: ["Director"]),
        .testTarget(name: "VADTests", dependencies: ["VoiceActivity", "Media", "TakeSenseTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Director", "Media", "TakeSenseTestSupport"]),
        // Runs the `takesense` executable that `swift build --build-tests` builds beside it (exit status, outputs, files).
        .testTarget(name: "CLITests", dependencies: ["TakeSenseTestSupport"]),
        .testTarget(
            name: "SceneAnalysisTests",
            dependencies: ["SceneAnalysis", "Director", "Reports", "Faces", "FaceEmotion", "VoiceEmotion", "Media", "TakeSenseBench", "TakeSenseTestSupport"]
        ),
        .testTarget(
            name: "CorrelationTests", dependencies: ["Correlation", "Reports", "Director", "Datasets", "Stats", "TakeSenseTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "TakeSenseBenchTests", dependencies: ["TakeSenseBench", "TakeSenseTestSupport"]),
        .testTarget(
            name: "TakeSenseKitTests",
            dependencies: [
                "TakeSenseKit", "SceneAnalysis", "Director", "Faces", "FaceEmotion", "Media", "TensorFiles", "VoiceActivity", "VoiceEmotion",
                "TakeSenseTestSupport",
            ],
            exclude: ["Fixtures"]
        ),
        // The store tests run against SQLite and PostgreSQL (a throw-away cluster, Scripts/with-postgres.sh); batch/watch end to end.
        .testTarget(name: "DailiesTests", dependencies: ["Dailies", "TakeSenseKit", "Director", "Reports", "TakeSenseTestSupport"]),
        .testTarget(name: "FacesTests", dependencies: ["Faces", "Media", "Torch", "TakeSenseBench", "TakeSenseTestSupport"], resources: [.copy("Fixtures")]),
    ],
    cxxLanguageStandard: .cxx17
)

// libFuzzer targets for the file readers (Fuzz/, run by Scripts/fuzz.sh): only declared with TAKESENSE_FUZZ=1,
// because they are built with -sanitize=fuzzer,address and have no main of their own.
if ProcessInfo.processInfo.environment["TAKESENSE_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzSafeTensors", ["TensorFiles"]), ("FuzzPyTorch", ["TensorFiles"]), ("FuzzCTranslate2", ["TensorFiles"]),
        ("FuzzModelMetadata", ["FaceEmotion", "VoiceEmotion", "TensorFiles"]), ("FuzzPolicy", ["Director"]),
        ("FuzzManifest", ["Datasets"]), ("FuzzAnalysisJSON", ["Reports", "Director"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(name)"))
    }
}
