import Foundation
import Testing
import Torch
@testable import VoiceEmotion

/// Fixtures under Fixtures/voice/, written by Scripts/voice_fixtures.py.
enum VoiceFixture {
    static func url(_ name: String) throws -> URL {
        guard let base = Bundle.module.resourceURL else { throw TorchError("no test resources") }
        return base.appendingPathComponent("Fixtures/voice/\(name)")
    }

    static func load(_ name: String) throws -> [String: Tensor] {
        try Checkpoint.loadSafetensors(url(name))
    }

    /// A temporary directory removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voice-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

extension [String: Tensor] {
    func fixtureTensor(_ key: String) throws -> Tensor {
        guard let t = self[key] else { throw TorchError("fixture has no tensor '\(key)'") }
        return t
    }
}

extension VoiceFixture {
    /// Largest absolute difference between two tensors of the same shape.
    static func maxAbsDiff(_ a: Tensor, _ b: Tensor) throws -> Float {
        #expect(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
        guard a.shape == b.shape else { return .infinity }
        return Float(try (a.to(.float32) - b.to(.float32)).abs().amax().item())
    }
}
