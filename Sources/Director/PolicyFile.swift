import Foundation

/// Reading a `--policy` file strictly: a typo'd key used to be ignored silently (the default applied instead
/// of the value the user meant), so a key the policy does not know is an error naming it.
extension VerdictPolicy {
    /// Why a policy file was refused: one line naming the file and the key.
    public struct FileError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Parses a policy file's bytes; `file` names it in errors. Keys are checked against the policy's own
    /// coding keys, so a key added to `VerdictPolicy` is accepted here without any change.
    public static func parse(_ data: Data, file: String) throws -> VerdictPolicy {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FileError(description: "\(file): not a verdict policy (expected a JSON object of thresholds)")
        }
        let known: Set<String>
        do { known = try JSONDecoder().decode(KnownKeys.self, from: data).keys } catch {
            throw FileError(description: "\(file): not a verdict policy (\(error))")
        }
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            let names = ((try? JSONSerialization.jsonObject(with: JSONEncoder().encode(VerdictPolicy()))) as? [String: Any])?.keys.sorted()
            throw FileError(description: "\(file): unknown policy key '\(unknown)'" + (names.map { " (known: \($0.joined(separator: ", ")))" } ?? ""))
        }
        do { return try JSONDecoder().decode(VerdictPolicy.self, from: data) } catch {
            throw FileError(description: "\(file): not a verdict policy (\(Self.describe(error)))")
        }
    }

    /// The keys of a JSON object that are the policy's coding keys.
    private struct KnownKeys: Decodable {
        let keys: Set<String>
        init(from decoder: any Decoder) throws {
            keys = Set(try decoder.container(keyedBy: VerdictPolicy.CodingKeys.self).allKeys.map(\.stringValue))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.keyNotFound(let k, _): return "missing key \(k.stringValue)"
        default: return "\(error)"
        }
    }
}
