import Foundation
import Media
import TensorFiles
import Torch

/// What `takesense faces detect`, `faces track --crops` and `faces import-mtcnn` do, as library calls.
public enum PictureFaces {
    /// The faces in each file (a still image, or a video's first frame), by file; `describe` gets the lines that
    /// show them (`file: 2 faces (mtcnn, 640x480)`, then one line per face), file by file as they are done.
    public static func detect(_ files: [String], with detector: any FaceDetecting,
                              describe: ((String) -> Void)? = nil) throws -> [String: [FaceBox]] {
        var all: [String: [FaceBox]] = [:]
        for file in files {
            let picture = try FaceInput.firstPicture(URL(fileURLWithPath: file))
            let boxes = try detector.detect(in: picture)
            all[file] = boxes
            guard let describe else { continue }
            describe("\(file): \(boxes.count) face\(boxes.count == 1 ? "" : "s") (\(detector.name), \(picture.width)x\(picture.height))")
            for b in boxes {
                describe(String(format: "  x %.0f y %.0f w %.0f h %.0f score %.3f", b.x, b.y, b.width, b.height, b.score))
            }
        }
        return all
    }
}

extension TakeFaceResult {
    /// Writes the main face's crops into `folder` (created when missing) as PGM (gray) or PPM (RGB) files named by
    /// their timestamp (`012.40.pgm`).
    public func writeMainCrops(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for crop in mainCrops {
            let name = String(format: "%06.2f.%@", crop.timestamp, crop.picture.format == .rgb ? "ppm" : "pgm")
            try crop.picture.netpbm().write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
    }
}

extension MTCNNNetworks {
    /// facenet-pytorch's MTCNN state dicts (`pnet.pth`, `rnet.pth`, `onet.pth`: zip-format torch.save files in
    /// `folder`) loaded strictly into P-Net, R-Net and O-Net and written as one safetensors file with keys
    /// `pnet.*`, `rnet.*`, `onet.*` and the face-detector metadata; `log` gets one line per network.
    public static func importFacenet(from folder: String, to output: String, source: String, log: (String) -> Void) throws {
        let networks = try MTCNNNetworks()
        let parts: [(String, Module)] = [("pnet", networks.pnet), ("rnet", networks.rnet), ("onet", networks.onet)]
        for (name, module) in parts {
            let report = try module.load(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("\(name).pth"))
            log("\(name): \(report.loaded.count) tensors, \(module.parameterCount()) parameters")
        }
        try networks.save(to: URL(fileURLWithPath: output), metadata: [
            ModelMetadata.Key.kind: ModelMetadata.Kind.faceDetector.rawValue, ModelMetadata.Key.architecture: "mtcnn",
            ModelMetadata.Key.source: source, ModelMetadata.Key.licence: "MIT (facenet-pytorch, Tim Esler)",
        ])
    }
}
