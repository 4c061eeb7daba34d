import Foundation
import TensorFiles
import Torch

/// What `takesense models inspect` and `models migrate` do with a safetensors model file, read through the
/// metadata contract (`ModelMetadata`), so that files written before it are described and migrated too.
public enum ModelInspection {
    /// The lines describing `file`: kind, architecture, labels, input transform, calibration, recipe, data,
    /// licence, every other `takesense.*` entry (long values cut at 200 characters) and the tensors.
    public static func describe(_ file: String) throws -> [String] {
        let url = URL(fileURLWithPath: file)
        let raw = try Checkpoint.safetensorsMetadata(url)
        let tensors = try Checkpoint.loadSafetensors(url)
        let meta = ModelMetadata(raw)
        typealias Key = ModelMetadata.Key
        let parameters = tensors.values.reduce(0) { $0 + $1.count }
        let types = Set(tensors.values.map { $0.dtype.description }).sorted().joined(separator: ", ")
        var lines = ["file: \(file)"]
        lines.append("kind: \(meta.inferredKind?.rawValue ?? "(not recorded)")")
        lines.append("architecture: \(meta.architecture ?? "(not recorded)")")
        if let config = meta[Key.config] { lines.append("config: \(config)") }
        if let labels = meta.labels { lines.append("labels: \(labels.joined(separator: ", "))") }
        if let prep = meta[Key.preprocessing] { lines.append("preprocessing: \(prep)") }
        if let tta = meta[Key.testTimeAugmentation] { lines.append("test-time augmentation: \(tta)") }
        if let t = meta[Key.temperature] {
            lines.append("calibration: temperature \(t)\(meta[Key.confusion] != nil ? ", with its confusion matrix" : "")")
        }
        if let fit = meta[Key.fitOn] { lines.append("calibration fitted on: \(fit)") }
        if let recipe = meta.recipe { lines.append("recipe: \(recipe)") }
        if let preset = meta["takesense.recipe_preset"] { lines.append("recipe preset: \(preset)") }
        if let data = meta[Key.dataset] { lines.append("dataset: \(data)") }
        if let licence = meta[Key.licence] { lines.append("licence: \(licence)") }
        if let source = meta[Key.source] { lines.append("source: \(source)") }
        let shown: Set<String> = [Key.kind, Key.architecture, Key.config, Key.labels, Key.preprocessing, Key.testTimeAugmentation,
                                  Key.temperature, Key.confusion, Key.fitOn, Key.recipe, "takesense.recipe_preset", Key.dataset,
                                  Key.licence, Key.source]
        for key in meta.entries.keys.sorted() where !shown.contains(key) {
            let value = meta.entries[key] ?? ""
            lines.append("\(key.dropFirst(ModelMetadata.prefix.count)): \(value.count > 200 ? String(value.prefix(200)) + "..." : value)")
        }
        if meta.hasLegacyKeys {
            lines.append("metadata: written before the takesense.* contract (read as above); `takesense models migrate \(file)` rewrites it")
        }
        lines.append("tensors: \(tensors.count), \(String(format: "%.2f", Double(parameters) / 1e6))M values (\(types))")
        return lines
    }

    /// Rewrites `file`'s metadata under the `takesense.*` keys (only the header changes; the tensors' bytes are
    /// copied as they are), in place or to `output`. A file already under the new keys is left alone unless an
    /// output is given. Returns the line to show.
    public static func migrate(_ file: String, to output: String? = nil) throws -> String {
        let url = URL(fileURLWithPath: file)
        let before = ModelMetadata(try Checkpoint.safetensorsMetadata(url))
        let target = output.map { URL(fileURLWithPath: $0) } ?? url
        guard before.hasLegacyKeys || before.kind == nil || output != nil else { return "\(file): already under takesense.* keys" }
        let written = try ModelMetadata.migrate(url, to: target)
        return "\(target.path): \(written.count) metadata keys under takesense.* (kind \(written[ModelMetadata.Key.kind] ?? "unknown"))"
    }
}
