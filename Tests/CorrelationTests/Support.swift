import Datasets
import Director
import Foundation
import Testing

@testable import Correlation
import TakeSenseTestSupport

/// A temporary directory for one test; `remove()` when done.
struct TempDir {
    let url: URL
    var path: String { url.path }

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-correlation-\(safe)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func file(_ relative: String, _ contents: String = "") -> String {
        let path = url.appendingPathComponent(relative).path
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)), "cannot create \(path)")
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// `|actual - expected| <= 1e-9 * |expected|`, or an absolute 1e-12 near zero; `nil` expected means NaN.
func close(_ actual: Double, _ expected: Double?, tolerance: Double = 1e-9) -> Bool {
    guard let expected else { return actual.isNaN }
    if actual == expected { return true }
    return abs(actual - expected) <= max(tolerance * abs(expected), 1e-12)
}

let sixLabels = ["angry", "disgust", "fear", "happy", "neutral", "sad"]

/// A one-hot-ish distribution leaning towards `label` with `weight`.
func leaning(_ label: String, _ weight: Double = 0.7, labels: [String] = sixLabels) -> [Double] {
    let rest = (1 - weight) / Double(labels.count - 1)
    return labels.map { $0 == label ? weight : rest }
}

/// A scene row with top emotions and probabilities leaning towards them.
func row(_ name: String, _ img: String?, _ speech: String?, truth: String? = nil, labels: [String] = sixLabels,
         imgWeight: Double = 0.7, speechWeight: Double = 0.6) -> SceneRow {
    SceneRow(scene: name, imgPred: img, speechPred: speech,
             imgProbabilities: img.map { leaning($0, imgWeight, labels: labels) } ?? Array(repeating: .nan, count: labels.count),
             speechProbabilities: speech.map { leaning($0, speechWeight, labels: labels) } ?? Array(repeating: .nan, count: labels.count),
             truth: truth)
}

extension SeededRandom {
    /// A random distribution over `k` classes.
    mutating func distribution(_ k: Int, towards: Int? = nil) -> [Double] {
        var v = (0..<k).map { _ in uniform() + 0.01 }
        if let towards { v[towards] += 2 }
        let s = v.reduce(0, +)
        return v.map { $0 / s }
    }
}

/// A random table of `n` scenes whose face and voice lean towards a shared latent emotion.
func randomTable(seed: UInt64, scenes n: Int, labels: [String] = sixLabels) -> SceneTable {
    var rng = SeededRandom(seed: seed)
    var rows: [SceneRow] = []
    for i in 0..<n {
        let latent = rng.int(labels.count)
        let f = rng.uniform() < 0.6 ? latent : rng.int(labels.count)
        let v = rng.uniform() < 0.5 ? latent : rng.int(labels.count)
        let fp = rng.distribution(labels.count, towards: f)
        let vp = rng.distribution(labels.count, towards: v)
        rows.append(SceneRow(scene: "scene\(i)", imgPred: labels[fp.indices.max { fp[$0] < fp[$1] }!],
                             speechPred: labels[vp.indices.max { vp[$0] < vp[$1] }!],
                             imgProbabilities: fp, speechProbabilities: vp, truth: labels[latent]))
    }
    return SceneTable(labels: labels, rows: rows)
}

/// Every cell of the matrices is symmetric (NaN mirrored by NaN).
func isSymmetric(_ m: LabelledMatrix) -> Bool {
    for i in m.matrix.indices {
        for j in m.matrix.indices where !sameValue(m.matrix[i][j], m.matrix[j][i]) { return false }
    }
    return true
}

/// Settings for takes built in tests.
let testSettings = AnalysisSettings(faceModel: "test-face", voiceModel: "test-voice", detector: "none", faceFPS: 2,
                                    speech: "test segments", intended: nil, policy: VerdictPolicy())

/// Writes `value` as JSON to `path`.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(value).write(to: URL(fileURLWithPath: path))
}
