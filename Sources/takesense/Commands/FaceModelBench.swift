import ArgumentParser
import FaceEmotion
import Foundation
import TakeSenseBench

/// `takesense bench face-model`: face-emotion inference speed (faces per second) on this machine.
struct FaceModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-model",
        abstract: "Faces per second of the face-emotion model at batch 1 and 32, against the study's ResNet34 at 224 px.",
        discussion: FaceModelBenchmark.about
    )

    @Option(help: "Face-emotion model (default: the bundled one).") var model: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        try oneLine {
            let shipped = try FaceClassifier(contentsOf: try BundledModels.face(model))
            let name = model == nil ? "\(shipped.architecture.description) (shipped)" : shipped.architecture.description
            print(try FaceModelBenchmark(model: shipped, name: name).run().markdown)
        }
    }
}
