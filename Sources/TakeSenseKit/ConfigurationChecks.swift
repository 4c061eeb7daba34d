import Foundation

/// A setting out of range: one line naming it (as its command-line option) and the value.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TakeSenseConfiguration {
    /// At most 4 threads per core (and never more than 256): 100,000 threads ran for minutes on a 3 s take.
    public static var maxThreads: Int { min(256, 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// The threshold overrides are shares in [0, 1] and seconds of speech in [0, 86400]: NaN compares false with
    /// everything and used to give KEEP with a reason contradicting itself.
    public static func checkOverrides(retakeBelow: Double?, minFaceCoverage: Double?, minSpeechSeconds: Double?) throws {
        for (name, value, upper) in [("--retake-below", retakeBelow, 1.0), ("--min-face-coverage", minFaceCoverage, 1.0),
                                     ("--min-speech", minSpeechSeconds, 86_400.0)] {
            if let value, !(value.isFinite && value >= 0 && value <= upper) {
                throw ConfigurationError("\(name) must be a number between 0 and \(upper == 1 ? "1" : "86400"), got \(value)")
            }
        }
    }
}
