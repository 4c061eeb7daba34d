import Foundation
import Testing
import Training
import VoiceEmotion
import VoiceTraining

/// Voice recipes as values: the presets keep the settings `train voice` always used, and round-trip as
/// the JSON a trained model records under `takesense.recipe`.
struct VoiceRecipeTests {
    @Test func presetsKeepTheirSettingsAndRoundTripThroughJSON() throws {
        let efficient = try VoiceRecipe.preset("efficient"), study = try VoiceRecipe.preset("study")
        let statistics = try VoiceRecipe.preset("statistics")
        #expect(efficient.trainableBlocks == 2 && efficient.augmentCopies == 6 && efficient.training.optimizer == .adamw)
        #expect(efficient.training.learningRate == 2e-4 && efficient.training.epochs == 24 && efficient.training.warmupEpochs == 1)
        #expect(study.trainableBlocks == 1 && study.augmentCopies == 0 && study.training.optimizer == .adam)
        #expect(study.training.earlyStoppingPatience == 20 && study.training.learningRate == 1e-5)
        #expect(efficient.statistics == nil && statistics.statistics == StatisticsHeadRecipe())
        for recipe in [efficient, study, statistics] {
            #expect(try JSONDecoder().decode(VoiceRecipe.self, from: Data(try recipe.json().utf8)) == recipe)
        }
        #expect(throws: RecipeError.self) { try VoiceRecipe.preset("fast") }
        // The command line's defaults (--layer 2, --projection 256, ... --head-seed 42) are the library's.
        let options = StatisticsHeadRecipe(layer: 2, weightedLayerSum: false, poolStd: true, projectionSize: 256, dropout: 0.3, epochs: 40,
                                           learningRate: 1e-3, weightDecay: 0.05, labelSmoothing: 0.1, maxCopies: nil, corpusBalanced: true, seed: 42)
        #expect(options == StatisticsHeadRecipe())
        #expect(!StatisticsHeadRecipe(layer: 2, weightedLayerSum: false, poolStd: true, projectionSize: 256, dropout: 0.3, epochs: 40,
                                      learningRate: 1e-3, weightDecay: 0.05, labelSmoothing: 0.1, maxCopies: 0, corpusBalanced: true, seed: 42).augmented)
    }
}
