import Foundation

/// One row of the FER2013 Kaggle CSV: a 48×48 grayscale face with its label and original usage.
public struct FER2013Row: Hashable, Codable, Sendable, FER2013UsageProviding {
    /// The row's 1-based line number in the file (the header is line 1), for messages.
    public var line: Int
    /// The emotion, from the `emotion` code (0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise,
    /// 6 neutral).
    public var label: Emotion
    /// The `Usage` column, or `nil` when the file has none (e.g. Kaggle's two-column `train.csv`).
    public var usage: FER2013Usage?
    /// 2304 grayscale values, row-major, top row first.
    public var pixels: [UInt8]

    public init(line: Int, label: Emotion, usage: FER2013Usage?, pixels: [UInt8]) {
        self.line = line
        self.label = label
        self.usage = usage
        self.pixels = pixels
    }
}

/// The FER2013 Kaggle CSV (`emotion,pixels,Usage`, 35,887 rows, about 300 MB).
///
/// The parser works on the file's bytes (memory-mapped) without splitting fields into strings, and
/// every problem throws ``DatasetError/malformedRow(path:line:reason:)`` naming the file and line,
/// e.g. `fer2013.csv:1234: expected 2304 pixels, found 2303`. Malformed rows are always errors,
/// whatever ``LoadOptions/strict`` says: a damaged CSV should not train a model silently.
///
/// The header, when present, decides the column order (columns are matched by name,
/// case-insensitively; `Usage` is optional). Without a header the order `emotion,pixels[,Usage]` is
/// assumed. Blank lines, CRLF line ends, a UTF-8 byte-order mark and quoted fields are accepted.
public enum FER2013CSV {
    /// Image width and height.
    public static let side = 48
    /// Pixels per image (48 × 48).
    public static let pixelCount = 2304
    /// The label of each `emotion` code, 0 to 6.
    public static let emotions: [Emotion] = [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral]

    /// The emotion for a FER2013 code (0-6), or `nil`.
    public static func emotion(code: Int) -> Emotion? {
        emotions.indices.contains(code) ? emotions[code] : nil
    }

    /// Reads and parses the CSV at `path`. Rows whose label is not in `options.labels` are skipped
    /// and counted (they are still validated).
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FER2013Row> {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw DatasetError.missingFile(path: path)
        }
        if isDir.boolValue { throw DatasetError.unreadable(path: path, reason: "is a directory, expected a CSV file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw DatasetError.unreadable(path: path, reason: FileScan.describe(error))
        }
        return try parse(data, path: path, options: options)
    }

    /// Parses CSV bytes; `path` only names the source in error messages.
    public static func parse(_ data: Data, path: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FER2013Row> {
        try data.withUnsafeBytes { raw in
            var parser = Parser(bytes: raw, path: path, labels: options.labels)
            return try parser.run()
        }
    }

    private struct Columns {
        var emotion: Int
        var pixels: Int
        var usage: Int?
        var count: Int
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        let path: String
        let labels: LabelSet
        var rows: [FER2013Row] = []
        var report = LoadReport()
        /// `keep[code]`: whether emotion code `code` is in the label set.
        let keep: [Bool]

        init(bytes: UnsafeRawBufferPointer, path: String, labels: LabelSet) {
            self.bytes = bytes
            self.path = path
            self.labels = labels
            self.keep = FER2013CSV.emotions.map { labels.contains($0) }
        }

        func fail(_ line: Int, _ reason: String) -> DatasetError {
            .malformedRow(path: path, line: line, reason: reason)
        }

        func text(_ range: Range<Int>, limit: Int = 40) -> String {
            let end = min(range.upperBound, range.lowerBound + limit)
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound..<end]), as: UTF8.self)
            return range.count > limit ? s + "…" : s
        }

        /// Trims spaces, tabs and one pair of surrounding quotes.
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lo = range.lowerBound
            var hi = range.upperBound
            while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            if hi - lo >= 2, bytes[lo] == 0x22, bytes[hi - 1] == 0x22 { lo += 1; hi -= 1 }
            return lo..<hi
        }

        /// Splits a line into field ranges at commas outside quotes.
        func fields(_ line: Range<Int>, into out: inout [Range<Int>]) {
            out.removeAll(keepingCapacity: true)
            var start = line.lowerBound
            var inQuotes = false
            var i = line.lowerBound
            while i < line.upperBound {
                let b = bytes[i]
                if b == 0x22 {
                    inQuotes.toggle()
                } else if b == 0x2C && !inQuotes {
                    out.append(trimmed(start..<i))
                    start = i + 1
                }
                i += 1
            }
            out.append(trimmed(start..<line.upperBound))
        }

        func header(_ fieldRanges: [Range<Int>], line: Int) throws -> Columns {
            let names = fieldRanges.map { text($0, limit: 64).lowercased() }
            guard let p = names.firstIndex(of: "pixels") else {
                throw fail(line, "header has no \"pixels\" column (found: \(names.joined(separator: ",")))")
            }
            guard let e = names.firstIndex(of: "emotion") else {
                throw fail(line, "header has no \"emotion\" column (found: \(names.joined(separator: ",")))")
            }
            return Columns(emotion: e, pixels: p, usage: names.firstIndex(of: "usage"), count: names.count)
        }

        func parseEmotion(_ range: Range<Int>, line: Int) throws -> Int {
            var value = 0
            var digits = 0
            for i in range {
                let b = bytes[i]
                guard b >= 0x30 && b <= 0x39, digits < 3 else {
                    throw fail(line, "invalid emotion \"\(text(range))\" (expected 0-6)")
                }
                value = value * 10 + Int(b - 0x30)
                digits += 1
            }
            guard digits > 0, value <= 6 else { throw fail(line, "invalid emotion \"\(text(range))\" (expected 0-6)") }
            return value
        }

        func parseUsage(_ range: Range<Int>, line: Int) throws -> FER2013Usage {
            let s = text(range, limit: 64)
            if let u = FER2013Usage(rawValue: s) ?? FER2013Usage(name: s) { return u }
            throw fail(line, "unknown Usage \"\(s)\" (expected Training, PublicTest or PrivateTest)")
        }

        func parsePixels(_ range: Range<Int>, line: Int) throws -> [UInt8] {
            var count = 0
            var bad: String?
            let pixels = [UInt8](unsafeUninitializedCapacity: FER2013CSV.pixelCount) { buffer, initialised in
                var value = 0
                var inNumber = false
                var i = range.lowerBound
                let end = range.upperBound
                while i < end {
                    let b = bytes[i]
                    if b >= 0x30 && b <= 0x39 {
                        value = value * 10 + Int(b - 0x30)
                        inNumber = true
                        if value > 255 {
                            // Read the rest of the number for the message.
                            var j = i + 1
                            while j < end, bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
                            var k = i
                            while k > range.lowerBound, bytes[k - 1] >= 0x30 && bytes[k - 1] <= 0x39 { k -= 1 }
                            bad = "pixel \(count + 1) is \(text(k..<j)), outside 0-255"
                            break
                        }
                    } else if b == 0x20 || b == 0x09 {
                        if inNumber {
                            if count < FER2013CSV.pixelCount { buffer[count] = UInt8(value) }
                            count += 1
                            value = 0
                            inNumber = false
                        }
                    } else {
                        let ch = b < 0x80 ? String(UnicodeScalar(b)) : String(format: "0x%02X", b)
                        bad = "unexpected character \"\(ch)\" in pixels (pixel \(count + 1))"
                        break
                    }
                    i += 1
                }
                if bad == nil && inNumber {
                    if count < FER2013CSV.pixelCount { buffer[count] = UInt8(value) }
                    count += 1
                }
                initialised = min(count, FER2013CSV.pixelCount)
            }
            if let bad { throw fail(line, bad) }
            guard count == FER2013CSV.pixelCount else {
                throw fail(line, "expected \(FER2013CSV.pixelCount) pixels, found \(count)")
            }
            return pixels
        }

        mutating func run() throws -> LoadedDataset<FER2013Row> {
            var pos = 0
            let n = bytes.count
            if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
            var lineNumber = 0
            var columns: Columns?
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(4)
            while pos < n {
                lineNumber += 1
                // Find the end of the line.
                var end = pos
                while end < n, bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                var contentEnd = end
                if contentEnd > pos, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                defer { pos = next }
                let line = pos..<contentEnd
                if trimmed(line).isEmpty { continue }
                fields(line, into: &ranges)

                if columns == nil {
                    let first = ranges[0]
                    let looksNumeric = !first.isEmpty && bytes[first.lowerBound] >= 0x30 && bytes[first.lowerBound] <= 0x39
                    if !looksNumeric {
                        columns = try header(ranges, line: lineNumber)
                        continue
                    }
                    guard ranges.count == 2 || ranges.count == 3 else {
                        throw fail(lineNumber, "expected 3 fields (emotion,pixels,Usage), found \(ranges.count)")
                    }
                    columns = Columns(emotion: 0, pixels: 1, usage: ranges.count == 3 ? 2 : nil, count: ranges.count)
                }
                let cols = columns!
                guard ranges.count == cols.count else {
                    throw fail(lineNumber, "expected \(cols.count) fields, found \(ranges.count)")
                }
                let code = try parseEmotion(ranges[cols.emotion], line: lineNumber)
                let pixels = try parsePixels(ranges[cols.pixels], line: lineNumber)
                let usage = try cols.usage.map { try parseUsage(ranges[$0], line: lineNumber) }
                let label = FER2013CSV.emotions[code]
                if keep[code] {
                    rows.append(FER2013Row(line: lineNumber, label: label, usage: usage, pixels: pixels))
                } else {
                    report.recordSkipped(label)
                }
            }
            if rows.isEmpty && report.skipped.isEmpty {
                throw DatasetError.noRecognisedFiles(path: path, expected: "FER2013 CSV rows emotion,pixels,Usage")
            }
            return LoadedDataset(samples: rows, report: report)
        }
    }
}
