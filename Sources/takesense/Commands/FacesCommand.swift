import ArgumentParser
import Faces
import Foundation
import Media
import TakeSenseKit
import TensorFiles
import Torch

/// `takesense faces ...`: face detection, tracking and the MTCNN weights import.
struct FacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Detect and track faces in pictures and takes.",
        subcommands: [FacesDetect.self, FacesTrack.self, FacesImportMTCNN.self]
    )
}

enum DetectorChoice: String, ExpressibleByArgument, CaseIterable {
    case haar, mtcnn
}

/// Options shared by the commands that detect faces.
struct DetectorOptions: ParsableArguments {
    @Option(help: "Face detector: \(DetectorChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detector: DetectorChoice = FaceDetectors.defaultKind == .mtcnn ? .mtcnn : .haar
    @Option(help: "Longest side of the shrunk picture the detector runs on (0: native size).")
    var detectionSize = 640
    @Option(help: "Smallest face side, in pixels of the detection picture.")
    var minFace = 40
    @Option(help: "MTCNN weights (default: the bundled Models/mtcnn.safetensors).")
    var mtcnnWeights: String?
    @Option(help: "Haar cascade XML (default: opencv-data's haarcascade_frontalface_default.xml).")
    var cascade: String?

    func make() throws -> any FaceDetecting {
        var configuration = TakeSenseConfiguration()
        apply(to: &configuration)
        return try configuration.makeDetector()
    }

    /// These options in the library's configuration.
    func apply(to configuration: inout TakeSenseConfiguration) {
        configuration.detector = detector == .mtcnn ? .mtcnn : .haar
        configuration.detectionSize = detectionSize
        configuration.minFace = minFace
        configuration.mtcnnWeights = mtcnnWeights
        configuration.haarCascade = cascade
    }
}

/// Runs `body`. Every error type in TakeSense describes itself in one line naming the file
/// (`CustomStringConvertible`), which is what the command prints: nothing to re-wrap. Kept for its callers.
func oneLine<R>(_ body: () throws -> R) rethrows -> R {
    try body()
}

struct FacesDetect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect faces in still images (or the first frame of videos); one line per face."
    )

    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions
    @Flag(help: "JSON output.") var json = false
    @Argument(help: "Images or videos.") var files: [String]

    func run() throws {
        try engine.apply()
        try oneLine {
            let detector = try detection.make()
            var all: [String: [FaceBox]] = [:]
            for file in files {
                let picture = try FaceInput.firstPicture(URL(fileURLWithPath: file))
                let boxes = try detector.detect(in: picture)
                all[file] = boxes
                if !json {
                    print("\(file): \(boxes.count) face\(boxes.count == 1 ? "" : "s") (\(detector.name), \(picture.width)x\(picture.height))")
                    for b in boxes {
                        print(String(format: "  x %.0f y %.0f w %.0f h %.0f score %.3f", b.x, b.y, b.width, b.height, b.score))
                    }
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(all), as: UTF8.self))
            }
        }
    }
}

struct FacesTrack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Detect and track the faces of a take; report the main face and count the others.",
        discussion: "Frames are sampled by timestamp. With --crops DIR the main face's crops are written as PGM/PPM files."
    )

    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions
    @Option(help: "Frames per second to sample.") var fps = 5.0
    @Option(help: "Crop side in pixels.") var cropSize = 48
    @Option(help: "Margin around the face box, as a fraction of its side.") var margin = 0.2
    @Flag(help: "RGB crops instead of gray.") var rgb = false
    @Option(help: "Read frames shrunk to this longest side (0: native size); crops come from these frames.") var frameSize = 640
    @Option(help: "Write the main face's crops to this directory.") var crops: String?
    @Option(help: "Seconds between whole-frame detections (0: every sampled frame); in between, only around tracked faces.")
    var fullDetectionInterval = 2.0
    @Flag(help: "JSON output.") var json = false
    @Argument(help: "The take.") var file: String

    func run() throws {
        try engine.apply()
        try oneLine {
            let detector = try detection.make()
            let options = TakeFaceOptions(sampling: fps, crop: FaceCropper(size: cropSize, margin: margin, format: rgb ? .rgb : .gray),
                                          frameSize: frameSize > 0 ? .fitWithin(maxDimension: frameSize) : .native,
                                          fullDetectionInterval: fullDetectionInterval)
            let result = try TakeFaceAnalyzer(detector: detector, options: options).analyze(URL(fileURLWithPath: file))
            if let crops {
                try FileManager.default.createDirectory(atPath: crops, withIntermediateDirectories: true)
                for crop in result.mainCrops {
                    let name = String(format: "%06.2f.%@", crop.timestamp, rgb ? "ppm" : "pgm")
                    try crop.picture.netpbm().write(to: URL(fileURLWithPath: crops).appendingPathComponent(name))
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result.summary), as: UTF8.self))
            } else {
                print(result.summary.text)
            }
        }
    }
}

struct FacesImportMTCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-mtcnn",
        abstract: "Convert facenet-pytorch's MTCNN state dicts to one safetensors file (see Scripts/convert_mtcnn.sh).",
        discussion: "Reads pnet.pth, rnet.pth and onet.pth (zip-format torch.save state dicts) from --from, "
            + "loads them strictly into P-Net, R-Net and O-Net and writes their state dict with keys pnet.*, rnet.*, onet.*."
    )

    @Option(help: "Directory holding pnet.pth, rnet.pth and onet.pth.") var from: String
    @Option(help: "Output safetensors file.") var output = "Models/mtcnn.safetensors"
    @Option(help: "Where the weights came from (stored in the file's metadata).") var source = "facenet-pytorch (MIT licence)"

    func run() throws {
        try oneLine {
            let networks = try MTCNNNetworks()
            let parts: [(String, Module)] = [("pnet", networks.pnet), ("rnet", networks.rnet), ("onet", networks.onet)]
            for (name, module) in parts {
                let url = URL(fileURLWithPath: from).appendingPathComponent("\(name).pth")
                let report = try module.load(contentsOf: url)
                print("\(name): \(report.loaded.count) tensors, \(module.parameterCount()) parameters")
            }
            try networks.save(to: URL(fileURLWithPath: output), metadata: [
                ModelMetadata.Key.kind: ModelMetadata.Kind.faceDetector.rawValue, ModelMetadata.Key.architecture: "mtcnn",
                ModelMetadata.Key.source: source, ModelMetadata.Key.licence: "MIT (facenet-pytorch, Tim Esler)",
            ])
            print("wrote \(output)")
        }
    }
}
