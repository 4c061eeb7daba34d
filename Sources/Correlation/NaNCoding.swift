import Foundation

/// A Double written to JSON as a number, or `null` when it is NaN or infinite (JSON has no NaN);
/// `null` reads back as NaN. Two NaNs compare equal, so a report survives a round trip unchanged.
@propertyWrapper
public struct NaNAsNull: Codable, Sendable, Equatable, Hashable {
    public var wrappedValue: Double

    public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? .nan : try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if wrappedValue.isFinite { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }

    public static func == (a: NaNAsNull, b: NaNAsNull) -> Bool { sameValue(a.wrappedValue, b.wrappedValue) }
    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue.isNaN ? Double.nan.bitPattern : wrappedValue.bitPattern) }
}

/// An array of Doubles whose NaN and infinite entries are written as `null` and read back as NaN.
@propertyWrapper
public struct NaNAsNullArray: Codable, Sendable, Equatable, Hashable {
    public var wrappedValue: [Double]

    public init(wrappedValue: [Double]) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = try c.decode([Double?].self).map { $0 ?? .nan }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue.map { $0.isFinite ? Optional($0) : nil })
    }

    public static func == (a: NaNAsNullArray, b: NaNAsNullArray) -> Bool {
        a.wrappedValue.count == b.wrappedValue.count && zip(a.wrappedValue, b.wrappedValue).allSatisfy { sameValue($0, $1) }
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue.count) }
}

/// Equal, or both NaN.
func sameValue(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

