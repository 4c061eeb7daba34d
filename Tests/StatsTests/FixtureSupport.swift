import Foundation
import Testing

@testable import Stats

/// Loads `Fixtures/<name>` (written by Scripts/make_stats_fixtures.py) from the test bundle.
func loadFixture<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
        "fixture \(name) missing from the test bundle")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// Tolerances used against scipy / scikit-learn references.
///
/// - `relative` (1e-9): |actual - expected| ≤ 1e-9 · |expected|. This is the criterion for every
///   representable value, including tail probabilities such as 1e-300.
/// - `absoluteFloor` (1e-300): an absolute tolerance that only matters for results in the
///   subnormal range (below ~2.2e-308), where doubles themselves lose relative precision and
///   scipy's reference may have underflowed to 0.
enum Tolerance {
    static let relative = 1e-9
    static let absoluteFloor = 1e-300
}

/// `expected == nil` stands for a non-finite reference (JSON has no NaN): then `actual` must be
/// NaN or infinite.
func isClose(_ actual: Double, _ expected: Double?, relative: Double = Tolerance.relative,
             absolute: Double = Tolerance.absoluteFloor) -> Bool {
    guard let expected else { return !actual.isFinite }
    if actual == expected { return true }
    return abs(actual - expected) <= max(relative * abs(expected), absolute)
}

/// Relative difference, for failure messages.
func relativeError(_ actual: Double, _ expected: Double?) -> Double {
    guard let expected else { return actual.isFinite ? .infinity : 0 }
    if actual == expected { return 0 }
    return abs(actual - expected) / max(abs(expected), Double.leastNormalMagnitude)
}

/// Collects mismatches so a fixture sweep reports all (well, the first few) failures at once.
struct Mismatches {
    private(set) var lines: [String] = []
    var count: Int { lines.count }

    mutating func check(_ ok: Bool, _ message: @autoclosure () -> String) {
        if !ok { lines.append(message()) }
    }

    var summary: String {
        "\(lines.count) mismatches:\n" + lines.prefix(15).joined(separator: "\n")
    }
}
