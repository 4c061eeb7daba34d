import Foundation
import Testing

@Suite("takesense models inspect / migrate")
struct ModelsCLITests {
    static let shipped = [("face-emotion.safetensors", "face-emotion", "ensemble:fernet-20/-/flip/0.5+fernet-24/40/flip/0.5"),
                          ("voice-emotion.safetensors", "voice-emotion", "WhisperForAudioClassification"),
                          ("mtcnn.safetensors", "face-detector", "mtcnn")]

    @Test("inspect describes every shipped model: kind, architecture, and the labels of the classifiers", arguments: shipped)
    func inspectShipped(_ file: String, _ kind: String, _ architecture: String) throws {
        let model = CLI.repository.appendingPathComponent("Models/" + file).path
        let r = try CLI.run(["models", "inspect", model], in: try CLI.temporaryDirectory())
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("kind: \(kind)\n") && r.out.contains("architecture: \(architecture)\n"), "\(r.out)")
        if kind != "face-detector" { #expect(r.out.contains("labels: angry, disgust, fear, happy, neutral, sad\n"), "\(r.out)") }
        #expect(!r.out.contains("written before the takesense.* contract"), "\(r.out)")
    }

    @Test("migrate turns a legacy face model into the contract's keys; analyze reads both the same")
    func migrateLegacyFile() throws {
        let dir = try CLI.temporaryDirectory()
        let legacy = dir.appendingPathComponent("legacy.safetensors"), migrated = dir.appendingPathComponent("migrated.safetensors")
        // The shipped face model written back under the legacy bare keys, as today's training code still writes.
        try SafeTensorsBytes.edit(CLI.repository.appendingPathComponent("Models/face-emotion.safetensors"), to: legacy, metadata: { meta in
            for key in ["kind", "architecture", "labels", "preprocessing"] { meta[key] = nil }
            let labels = meta.removeValue(forKey: "takesense.labels") ?? ""
            meta["labels"] = (try? JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String])?.joined(separator: ",")
            meta["kind"] = "takesense.face-emotion"
            meta["architecture"] = meta.removeValue(forKey: "takesense.architecture")
            meta["preprocessing"] = meta.removeValue(forKey: "takesense.preprocessing")
            meta.removeValue(forKey: "takesense.kind")
        })
        let before = try CLI.run(["models", "inspect", legacy.path], in: dir)
        #expect(before.status == 0 && before.out.contains("kind: face-emotion\n")
                && before.out.contains("written before the takesense.* contract"), "\(before.out)\(before.err)")
        let r = try CLI.run(["models", "migrate", legacy.path, "--output", migrated.path], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let after = try CLI.run(["models", "inspect", migrated.path], in: dir)
        #expect(after.out.contains("kind: face-emotion\n") && !after.out.contains("written before"), "\(after.out)")
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        var faces: [[String: Double]] = []
        for model in [legacy, migrated] {
            let out = dir.appendingPathComponent(model.lastPathComponent + ".json")
            let a = try CLI.run(["analyze", sample, "--face-model", model.path, "--json", out.path, "--quiet", "--face-fps", "1"], in: dir)
            #expect(a.status == 0, "\(a.err)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any]
            faces.append((json?["face"] as? [String: Any])?["probabilities"] as? [String: Double] ?? [:])
        }
        #expect(faces.count == 2 && faces[0] == faces[1] && faces[0].count == 6, "\(faces)")
    }

    @Test("face-ensemble writes one file that analyze and inspect read as a face model; it never overwrites a member")
    func faceEnsemble() throws {
        let dir = try CLI.temporaryDirectory()
        // Two single networks: the ten-crop fixture (FERNet-8 on 40 px windows) and the same weights on the whole face.
        let crop = CLI.repository.appendingPathComponent("Tests/ModelTests/Fixtures/face/tta_model.safetensors").path
        let wholeFace = dir.appendingPathComponent("whole.safetensors")
        try SafeTensorsBytes.edit(URL(fileURLWithPath: crop), to: wholeFace, metadata: {
            $0["preprocessing"] = #"{"inputSize": 48, "channels": 1, "mean": 0.5, "std": 0.25}"#
            $0["test_time_augmentation"] = "flip"
        })
        let whole = wholeFace.path
        let out = dir.appendingPathComponent("ensemble.safetensors")
        let r = try CLI.run(["models", "face-ensemble", "--members", "\(whole):0.7,\(crop):0.3", "--output", out.path], in: dir)
        #expect(r.status == 0 && r.out.contains("wrote \(out.path): ensemble:"), "\(r.out)\(r.err)")
        let inspect = try CLI.run(["models", "inspect", out.path], in: dir)
        #expect(inspect.status == 0 && inspect.out.contains("kind: face-emotion\n")
                && inspect.out.contains("ensemble:fernet-8/-/flip/0.7+fernet-8/40/ten-crop/0.3"), "\(inspect.out)\(inspect.err)")
        let json = dir.appendingPathComponent("take.json")
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        let a = try CLI.run(["analyze", sample, "--face-model", out.path, "--json", json.path, "--quiet", "--face-fps", "1"], in: dir)
        #expect(a.status == 0, "\(a.err)")
        let analysis = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        let face = (analysis?["face"] as? [String: Any])?["probabilities"] as? [String: Double] ?? [:]
        #expect(face.count == 6 && abs(face.values.reduce(0, +) - 1) < 1e-6, "\(face)")

        let flip = try CLI.run(["models", "face-ensemble", "--members", "\(whole):1,\(crop):1", "--tta", "flip",
                                "--output", dir.appendingPathComponent("flip.safetensors").path], in: dir)
        #expect(flip.status == 0 && flip.out.contains("fernet-8/-/flip/1.0+fernet-8/40/flip/1.0"), "\(flip.out)\(flip.err)")
        // An ensemble is not a member (the shipped model is one today; nesting is refused either way).
        let nested = try CLI.run(["models", "face-ensemble", "--members", "\(out.path):1,\(crop):1",
                                  "--output", dir.appendingPathComponent("nested.safetensors").path], in: dir)
        #expect(nested.status != 0 && nested.err.contains("itself an ensemble"), "\(nested.err)")

        let before = try Data(contentsOf: URL(fileURLWithPath: crop))
        let clash = try CLI.run(["models", "face-ensemble", "--members", "\(whole):1,\(crop):1", "--output", crop], in: dir)
        #expect(clash.status != 0 && clash.err.contains("--output"), "\(clash.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: crop)) == before)
        let one = dir.appendingPathComponent("one.safetensors").path
        let single = try CLI.run(["models", "face-ensemble", "--members", "\(whole):1", "--output", one], in: dir)
        #expect(single.status != 0 && single.err.contains("2...8 members"), "\(single.err)")
    }
}
