import ArgumentParser
import Foundation
import TakeSenseKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a classifier.",
                                                    subcommands: [TrainFace.self, TrainVoice.self])
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Evaluate a classifier on labelled data.",
                                                    subcommands: [EvaluateFace.self, EvaluateVoice.self, EvaluateScenes.self])
}

/// The shipped models' location lives in the library (`TakeSenseKit.BundledModels`).
typealias BundledModels = TakeSenseKit.BundledModels
