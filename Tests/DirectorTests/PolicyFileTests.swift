import Director
import Foundation
import Testing

/// `--policy` files are read strictly: every key the policy encodes is accepted, anything else is an error.
@Suite("Policy files: strict keys")
struct PolicyFileTests {
    @Test("The policy's own keys (all of them, as it encodes itself) parse back to the same policy")
    func ownKeysRoundTrip() throws {
        var policy = VerdictPolicy()
        policy.retakeBelow = 0.61
        policy.minSpeechSeconds = 1.5
        let data = try JSONEncoder().encode(policy)
        #expect(try VerdictPolicy.parse(data, file: "p.json") == policy)
        #expect(try VerdictPolicy.parse(Data("{}".utf8), file: "p.json") == VerdictPolicy())
    }

    @Test("A typo'd key, a non-object, a non-finite or negative value: one line naming the file")
    func refused() {
        let cases: [(String, String)] = [
            (#"{"retake_belw": 0.5}"#, "unknown policy key 'retake_belw'"),
            (#"{"retake_below": 0.5, "Retake_Below": 0.6}"#, "unknown policy key 'Retake_Below'"),
            ("[0.5]", "not a verdict policy"),
            (#"{"retake_below": 1e999}"#, "not a verdict policy"),
            (#"{"retake_below": -0.1}"#, "non-negative"),
            (#"{"retake_below": "high"}"#, "not a verdict policy"),
        ]
        for (text, expected) in cases {
            do {
                _ = try VerdictPolicy.parse(Data(text.utf8), file: "/shoot/policy.json")
                Issue.record("accepted: \(text)")
            } catch {
                let line = "\(error)"
                #expect(line.hasPrefix("/shoot/policy.json: ") && line.contains(expected) && !line.contains("\n"), "\(text): \(line)")
            }
        }
    }
}
