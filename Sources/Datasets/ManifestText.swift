import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Lists of scenes (takes, clips) with known emotions, for `takesense correlate` and
// `takesense evaluate scenes`, one file per format:
//
// - ``EmotionManifest`` (EmotionManifest.swift): the generic `path[,label]` manifest, one emotion per scene.
// - ``FaceVoiceManifest`` (FaceVoiceManifest.swift): the scenes-evaluation manifest
//   `path,face_label,voice_label`, a face and a voice emotion per scene.
// - ``OMGEmotion`` (OMGEmotion.swift): the OMG-Emotion corpus' CSVs and per-annotator files, with the
//   ground truth by majority vote, matched to a folder of clips the user has cut.
//
// All readers accept a UTF-8 byte-order mark, CRLF line ends, blank lines, lines starting with `#`
// (comments) and fields in double quotes (`"a, b.mp4"`, with `""` for a quote inside). Every problem
// throws ``DatasetError`` naming the file and, for rows, the 1-based line (the header is line 1).

/// Small CSV reader shared by the manifests.
enum ManifestText {
    struct Row {
        var line: Int
        var fields: [String]
    }

    /// Largest manifest read, and most rows in one manifest: a manifest can't make memory grow without bound.
    static let maxBytes = 64 << 20
    static let maxRows = 100_000

    static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.missingFile(path: path) }
        if isDirectory.boolValue { throw DatasetError.unreadable(path: path, reason: "is a directory, expected a CSV file") }
        // Only regular files: reading a FIFO would block forever.
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFREG else {
                throw DatasetError.unreadable(path: path, reason: "is not a regular file (a FIFO or device?), expected a CSV file")
            }
            guard Int(st.st_size) <= maxBytes else {
                throw DatasetError.unreadable(path: path, reason: "\(st.st_size) bytes, more than the \(maxBytes >> 20) MB a manifest may hold")
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError.unreadable(path: path, reason: FileScan.describe(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError.unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// The folder holding `path`, absolute.
    static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }

    /// `relative` joined to `base` unless already absolute (`~` expanded), standardised.
    static func resolve(_ raw: String, against base: String) -> String {
        let expanded = (raw as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
        return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(expanded).standardizedFileURL.path
    }

    /// Header cell → lookup name: trimmed, lower-cased, spaces and hyphens as underscores.
    static func columnName(_ field: String) -> String {
        String(field.trimmingCharacters(in: .whitespaces).lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }

    /// A known emotion name or alias, else an error naming the file and line.
    static func emotion(_ raw: String, path: String, line: Int) throws -> Emotion {
        if let e = Emotion.knownAlias(raw) { return e }
        throw DatasetError.malformedRow(
            path: path, line: line,
            reason: "unknown emotion \"\(raw)\" (known: \(Emotion.known.map(\.rawValue).joined(separator: ", ")), or an alias such as anger, happiness)")
    }

    /// Non-blank, non-comment rows split into trimmed fields.
    static func rows(_ text: String, path: String) throws -> [Row] {
        var rows: [Row] = []
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var number = 0
        // "\r\n" is one Character in Swift, so split on any line break rather than on "\n".
        for line in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard rows.count < maxRows else {
                throw DatasetError.malformedRow(path: path, line: number, reason: "more than \(maxRows) rows; split the manifest")
            }
            rows.append(Row(line: number, fields: try fields(line, path: path, line: number)))
        }
        return rows
    }

    /// Splits a CSV line at commas outside double quotes; `""` inside quotes is a quote.
    static func fields(_ line: Substring, path: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let after = chars.next() {
                        if after == "\"" { current.append("\"") } else { inQuotes = false; pending = after }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted {
                current = ""
                inQuotes = true
                wasQuoted = true
            } else if c == "," {
                fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
                current = ""
                wasQuoted = false
            } else if wasQuoted {
                guard c == " " || c == "\t" else {
                    throw DatasetError.malformedRow(path: path, line: number, reason: "unexpected text after a closing quote")
                }
            } else {
                current.append(c)
            }
        }
        if inQuotes { throw DatasetError.malformedRow(path: path, line: number, reason: "unterminated quoted field") }
        fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
