import Foundation
import Testing
@testable import Datasets

/// Builds Kaggle-style FER2013 CSV text.
enum FERCSV {
    static func pixels(_ seed: Int, count: Int = 2304) -> String {
        (0..<count).map { String(($0 * 7 + seed * 13) % 256) }.joined(separator: " ")
    }

    static func row(_ emotion: Int, _ usage: String = "Training", seed: Int = 0, pixelCount: Int = 2304) -> String {
        "\(emotion),\(pixels(seed, count: pixelCount)),\(usage)"
    }

    static let header = "emotion,pixels,Usage"
}

@Suite("FER2013 CSV")
struct FER2013CSVTests {
    @Test func parsesRowsLabelsUsagesAndPixels() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let rows = [
            FERCSV.row(0, seed: 1), FERCSV.row(1, seed: 2), FERCSV.row(2), FERCSV.row(3), FERCSV.row(4),
            FERCSV.row(5), FERCSV.row(6, "PublicTest"), FERCSV.row(5, "PrivateTest"), FERCSV.row(3, "PrivateTest"),
        ]
        let path = fx.file("fer2013.csv", ([FERCSV.header] + rows).joined(separator: "\n") + "\n")
        let loaded = try FER2013CSV.load(path: path)
        #expect(loaded.samples.count == 7)
        #expect(loaded.skipped == ["surprise": 2])
        #expect(loaded.samples.map(\.label) == [.angry, .disgust, .fear, .happy, .sad, .neutral, .happy])
        #expect(loaded.samples.map(\.usage) == [.training, .training, .training, .training, .training, .publicTest, .privateTest])
        #expect(loaded.samples.map(\.line) == [2, 3, 4, 5, 6, 8, 10])
        let first = loaded.samples[0]
        #expect(first.pixels.count == 2304)
        #expect(first.pixels[0] == 13)
        #expect(first.pixels[1] == 20)
        #expect(first.pixels[2303] == UInt8((2303 * 7 + 13) % 256))

        let seven = try FER2013CSV.load(path: path, options: LoadOptions(labels: .seven))
        #expect(seven.samples.count == 9)
        #expect(seven.skipped.isEmpty)
    }

    @Test func emotionCodes() {
        #expect(FER2013CSV.emotions.map(\.rawValue) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
        #expect(FER2013CSV.emotion(code: 6) == .neutral)
        #expect(FER2013CSV.emotion(code: 7) == nil)
    }

    @Test func acceptsCRLFBlankLinesBOMQuotesReorderedColumnsAndNoUsage() throws {
        let quoted = "\u{FEFF}Usage,emotion,pixels\r\nTraining,3,\"\(FERCSV.pixels(5))\"\r\n\r\nPublicTest , 0 ,\(FERCSV.pixels(6)) \r\n"
        let a = try FER2013CSV.parse(Data(quoted.utf8), path: "quoted.csv")
        #expect(a.samples.map(\.label) == [.happy, .angry])
        #expect(a.samples.map(\.usage) == [.training, .publicTest])
        #expect(a.samples.map(\.line) == [2, 4])
        #expect(a.samples[0].pixels[0] == 65)

        // Kaggle's two-column train.csv.
        let twoColumns = "emotion,pixels\n4,\(FERCSV.pixels(0))\n"
        let b = try FER2013CSV.parse(Data(twoColumns.utf8), path: "train.csv")
        #expect(b.samples.count == 1)
        #expect(b.samples[0].usage == nil)
        #expect(b.samples[0].label == .sad)

        // No header at all.
        let c = try FER2013CSV.parse(Data((FERCSV.row(2) + "\n" + FERCSV.row(6)).utf8), path: "noheader.csv")
        #expect(c.samples.map(\.label) == [.fear, .neutral])
        #expect(c.samples.map(\.line) == [1, 2])
    }

    @Test func malformedRowNamesFileAndLine() throws {
        let fx = Fixture()
        defer { fx.remove() }
        var lines = [FERCSV.header]
        for i in 0..<5 { lines.append(FERCSV.row(i % 7, seed: i)) }
        lines.append(FERCSV.row(3, pixelCount: 2303))  // line 7
        lines.append(FERCSV.row(3))
        let path = fx.file("fer2013.csv", lines.joined(separator: "\n"))
        let error = datasetError { _ = try FER2013CSV.load(path: path) }
        #expect(error == .malformedRow(path: path, line: 7, reason: "expected 2304 pixels, found 2303"))
        #expect(error?.description == "\(path):7: expected 2304 pixels, found 2303")
        #expect(error?.description.hasSuffix("fer2013.csv:7: expected 2304 pixels, found 2303") == true)
    }

    @Test("other malformed rows", arguments: [
        ("7,\(FERCSV.pixels(0)),Training", "invalid emotion \"7\" (expected 0-6)"),
        ("x,\(FERCSV.pixels(0)),Training", "invalid emotion \"x\" (expected 0-6)"),
        ("1,\(FERCSV.pixels(0)),Train1ng", "unknown Usage \"Train1ng\" (expected Training, PublicTest or PrivateTest)"),
        ("1,\(FERCSV.pixels(0) + " 1"),Training", "expected 2304 pixels, found 2305"),
        ("1,256 \(FERCSV.pixels(0, count: 2303)),Training", "pixel 1 is 256, outside 0-255"),
        ("1,1 2 x 3,Training", "unexpected character \"x\" in pixels (pixel 3)"),
        ("1,\(FERCSV.pixels(0))", "expected 3 fields, found 2"),
        ("1,,Training", "expected 2304 pixels, found 0"),
    ])
    func malformed(_ row: String, _ reason: String) {
        let text = FERCSV.header + "\n" + FERCSV.row(0) + "\n" + row + "\n"
        let error = datasetError { _ = try FER2013CSV.parse(Data(text.utf8), path: "fer2013.csv") }
        #expect(error == .malformedRow(path: "fer2013.csv", line: 3, reason: reason))
    }

    @Test func missingFileEmptyFileAndBadHeader() {
        #expect(datasetError { _ = try FER2013CSV.load(path: "/nonexistent/fer2013.csv") } == .missingFile(path: "/nonexistent/fer2013.csv"))
        #expect(datasetError { _ = try FER2013CSV.parse(Data(), path: "empty.csv") }
            == .noRecognisedFiles(path: "empty.csv", expected: "FER2013 CSV rows emotion,pixels,Usage"))
        let badHeader = "label,image\n1,2\n"
        #expect(datasetError { _ = try FER2013CSV.parse(Data(badHeader.utf8), path: "h.csv") }
            == .malformedRow(path: "h.csv", line: 1, reason: "header has no \"pixels\" column (found: label,image)"))
    }

    @Test func selectedPresetOnCSVRows() throws {
        var lines = [FERCSV.header]
        // 50 training rows per code 0..6 (surprise = 5), plus 10 PublicTest rows.
        for code in 0..<7 { for i in 0..<50 { lines.append(FERCSV.row(code, seed: i)) } }
        for i in 0..<10 { lines.append(FERCSV.row(i % 7, "PublicTest")) }
        let all = try FER2013CSV.parse(Data(lines.joined(separator: "\n").utf8), path: "f.csv", options: LoadOptions(labels: .seven))
        let split = try SplitPresets.fer2013Selected(all.samples, seed: 1)
        #expect(split.skipped == ["surprise": 50])
        #expect(split.training.count == 240)
        #expect(split.validation.count == 60)
        #expect(split.test.isEmpty)
        #expect(Set(split.training.map(\.line)).isDisjoint(with: split.validation.map(\.line)))
        #expect((split.training + split.validation).allSatisfy { $0.usage == .training && $0.label != .surprise })
    }
}
