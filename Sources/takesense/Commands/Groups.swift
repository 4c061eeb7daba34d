import ArgumentParser
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a classifier.",
                                                    subcommands: [TrainFace.self, TrainVoice.self])
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Evaluate a classifier on labelled data.",
                                                    subcommands: [EvaluateFace.self, EvaluateVoice.self, EvaluateScenes.self])
}

/// Where the models shipped in the repository's `Models/` folder are found: `TAKESENSE_MODELS`, then
/// `Models/` next to the package that built this executable, then `./Models`.
enum BundledModels {
    static var directory: URL {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_MODELS"] { return URL(fileURLWithPath: env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("Models")
            if fm.fileExists(atPath: candidate.appendingPathComponent("README.md").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "Models")
    }

    static func face(_ override: String?) throws -> URL {
        if let override { return URL(fileURLWithPath: override) }
        let url = directory.appendingPathComponent("face-emotion.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Failure("\(url.path): no bundled face model found; pass --model or set TAKESENSE_MODELS")
        }
        return url
    }
}
