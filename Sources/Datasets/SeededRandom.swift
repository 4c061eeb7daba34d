/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`): a small, fast, seedable
/// generator whose output depends only on the seed, on every platform and Swift version.
///
/// The splitting code uses this generator through its own ``nextInt(below:)`` and ``shuffle(_:)``
/// rather than the standard library's `shuffle(using:)`/`random(in:using:)`, whose algorithms are
/// not specified and could change between Swift releases: a split made with a given seed is the
/// same wherever and whenever it is made.
public struct SplitMix64: RandomNumberGenerator, Hashable, Codable, Sendable {
    /// The generator's current state (the seed before the first draw).
    public private(set) var state: UInt64

    /// Creates a generator whose first output is determined by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's multiply-and-reject method, unbiased).
    /// `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold {
                m = next().multipliedFullWidth(by: n)
            }
        }
        return Int(m.high)
    }

    /// Shuffles `array` in place (Fisher–Yates, from the last element down).
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
            i -= 1
        }
    }

    /// A shuffled copy of `array`.
    public mutating func shuffled<T>(_ array: [T]) -> [T] {
        var copy = array
        shuffle(&copy)
        return copy
    }

    /// An independent generator for a named sub-task, derived from `seed` and `name` with a stable
    /// hash (FNV-1a), so that e.g. adding a corpus to a combined split does not change the others.
    public static func derived(seed: UInt64, name: String) -> SplitMix64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: seed ^ hash)
        return SplitMix64(seed: mixer.next())
    }
}
