import Foundation

/// File-name stems for per-take output files: the take's file name without folder and extension
/// (`/shoot/day2/scene4_take3.mov` → `scene4_take3`), unique within one report.
public enum TakeStems {
    /// The stem of one take path; "take" when nothing usable is left.
    public static func stem(of take: String) -> String {
        // Both separators: a take path written on Windows may reach us through JSON.
        let name = take.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var stem = name
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            stem = String(name[..<dot])
        }
        // Characters no file system takes, and control characters.
        stem = String(stem.map { c -> Character in
            if c == "\0" || c.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "_" }
            return c
        })
        stem = stem.trimmingCharacters(in: .whitespaces)
        if stem.isEmpty || stem == "." || stem == ".." { return "take" }
        return stem
    }

    /// Stems for several takes, in order: a repeated stem gets `-2`, `-3`, ... (compared case-insensitively,
    /// as macOS's file system would).
    public static func stems(of takes: [String]) -> [String] {
        var used = Set<String>()
        return takes.map { take in
            let base = stem(of: take)
            var candidate = base
            var n = 2
            while used.contains(candidate.lowercased()) {
                candidate = "\(base)-\(n)"
                n += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }
    }
}
