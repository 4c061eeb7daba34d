import FaceEmotion
import FaceTraining
import Foundation
import Testing
import Torch
import Training

/// Training recipes as values: the presets keep the settings the command line always used (a resumed
/// run's settings check compares them), and a trained model records its recipe.
@Suite(.serialized) struct FaceRecipeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `runs/face-fernet24-crop` is resumed with `--recipe crop --epochs 100 --seed 42`: `--resume` refuses a
    /// checkpoint whose saved TrainingConfig differs from the one the recipe gives.
    @Test func cropPresetGivesTheSettingsOfTheCommittedCheckpoint() throws {
        let state = Self.repository.appendingPathComponent("runs/face-fernet24-crop/state.json")
        guard FileManager.default.fileExists(atPath: state.path) else {
            print("skipping: \(state.path) is absent")
            return
        }
        struct Saved: Decodable { var config: TrainingConfig }
        let saved = try JSONDecoder().decode(Saved.self, from: Data(contentsOf: state)).config
        var recipe = try FaceRecipe.preset("crop", seed: 42)
        recipe.architecture = "fernet-24"
        recipe.training.epochs = 100
        #expect(recipe.training == saved)
        var other = recipe
        other.training.epochs = 120
        #expect(other.training != saved)
    }

    @Test func presetsDifferAsDocumentedAndRoundTripThroughJSON() throws {
        let cpu = try FaceRecipe.preset("cpu"), crop = try FaceRecipe.preset("crop"), study = try FaceRecipe.preset("study")
        #expect(study.freezeFirst == 57 && study.architecture == "resnet34" && study.preprocessing == .study)
        #expect(crop.preprocessing.cropSize == 40 && crop.testTimeAugmentation == .tenCrop && crop.selectionTestTimeAugmentation == .flip)
        #expect(crop.training.optimizer == .sgd && cpu.training.optimizer == .adamw && study.training.optimizer == .adam)
        #expect(try crop.faceAugmentation().cropOutput == 40)
        #expect(try cpu.faceAugmentation().cropOutput == nil)
        for recipe in [cpu, crop, study] {
            #expect(try JSONDecoder().decode(FaceRecipe.self, from: Data(try recipe.json().utf8)) == recipe)
        }
        #expect(throws: RecipeError.self) { try FaceRecipe.preset("gpu") }
        var bad = cpu
        bad.augmentation = "heavy"
        #expect(throws: RecipeError.self) { try bad.faceAugmentation() }
    }

    /// One epoch on a few real FER2013 faces: the saved model carries the recipe under `takesense.recipe`.
    @Test func aTrainedFaceModelRecordsItsRecipe() throws {
        guard let shared = FaceDataTests.sharedData else {
            print("skipping: ../shared/data/fer2013 is absent (set TAKESENSE_SHARED_DATA)")
            return
        }
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("face-recipe-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        var recipe = try FaceRecipe.preset("cpu", labels: ["angry", "happy", "sad"], seed: 7)
        recipe.training.epochs = 1
        recipe.training.batchSize = 8
        for label in recipe.labels {
            let source = shared.appendingPathComponent("fer2013/validation/\(label)")
            let target = root.appendingPathComponent("faces/\(label)")
            try fm.createDirectory(at: target, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: source.path).filter({ $0.hasSuffix(".jpg") }).sorted().prefix(8) {
                try fm.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
            }
        }
        var run = FaceTrainingRun(recipe: recipe, data: root.appendingPathComponent("faces").path,
                                  validation: root.appendingPathComponent("faces").path, output: root.appendingPathComponent("run"))
        run.log = { _ in }
        let outcome = try run.run()
        #expect(outcome.report.samples == 24)
        let metadata = try Checkpoint.safetensorsMetadata(root.appendingPathComponent("run/best.safetensors"))
        let recorded = try #require(metadata[RunFiles.recipeKey])
        #expect(try JSONDecoder().decode(FaceRecipe.self, from: Data(recorded.utf8)) == recipe)
        #expect(metadata["recipe"] == "cpu")
        // The model still loads as before (the recipe is extra metadata).
        #expect(try FaceClassifier(contentsOf: root.appendingPathComponent("run/best.safetensors")).labels == recipe.labels)
    }
}
