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

extension FaceDetectors.Kind: ExpressibleByArgument {}

/// Options shared by the commands that detect faces.
struct DetectorOptions: ParsableArguments {
    @Option(help: "Face detector: \(FaceDetectors.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detector: FaceDetectors.Kind = FaceDetectors.defaultKind
    @Option(help: "Longest side of the shrunk picture the detector runs on (0: native size).")
    var detectionSize = 640
    @Option(help: "Smallest face side, in pixels of the detection picture.")
    var minFace = 40
    @Option(help: "MTCNN weights (default: the bundled Models/mtcnn.safetensors).")
    var mtcnnWeights: String?
    @Option(help: "Haar cascade XML (default: opencv-data's haarcascade_frontalface_default.xml).")
    var cascade: String?

    /// The library's default configuration with these options.
    var configuration: TakeSenseConfiguration {
        var configuration = TakeSenseConfiguration()
        apply(to: &configuration)
        return configuration
    }

    /// These options in the library's configuration.
    func apply(to configuration: inout TakeSenseConfiguration) {
        configuration.detector = detector
        configuration.detectionSize = detectionSize
        configuration.minFace = minFace
        configuration.mtcnnWeights = mtcnnWeights
        configuration.haarCascade = cascade
    }
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
        let all = try PictureFaces.detect(files, with: try detection.configuration.makeDetector(), describe: json ? nil : { print($0) })
        if json { try printJSON(all) }
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
        let detector = try detection.configuration.makeDetector()
        let options = TakeFaceOptions(sampling: fps, crop: FaceCropper(size: cropSize, margin: margin, format: rgb ? .rgb : .gray),
                                      frameSize: frameSize > 0 ? .fitWithin(maxDimension: frameSize) : .native,
                                      fullDetectionInterval: fullDetectionInterval)
        let result = try TakeFaceAnalyzer(detector: detector, options: options).analyze(URL(fileURLWithPath: file))
        if let crops { try result.writeMainCrops(to: crops) }
        if json {
            try printJSON(result.summary)
        } else {
            print(result.summary.text)
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
        try MTCNNNetworks.importFacenet(from: from, to: output, source: source) { print($0) }
        print("wrote \(output)")
    }
}
