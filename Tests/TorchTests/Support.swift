import Foundation
import Testing
@testable import Torch

/// Reference fixtures written by Scripts/make_torch_fixtures.py with Debian's python3-torch 1.13.1.
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }
    static func load(_ name: String) throws -> [String: Tensor] { try Checkpoint.loadSafetensors(url(name)) }
    static func metadata(_ name: String) throws -> [String: String] { try Checkpoint.safetensorsMetadata(url(name)) }
}

/// Largest violation of |a - b| <= atol + rtol * |b| (0 when within tolerance), like torch.allclose.
func closeness(_ a: Tensor, _ b: Tensor, rtol: Double, atol: Double) throws -> (ok: Bool, maxAbs: Double) {
    guard a.shape == b.shape else { return (false, .infinity) }
    let x = try a.detach().to(.float64).toArray(Double.self)
    let y = try b.detach().to(.float64).toArray(Double.self)
    var ok = true
    var maxAbs = 0.0
    for (u, v) in zip(x, y) {
        if u.isNaN && v.isNaN { continue }
        if u == v { continue }  // equal infinities
        let d = Swift.abs(u - v)
        maxAbs = Swift.max(maxAbs, d)
        if !(d <= atol + rtol * Swift.abs(v)) { ok = false }
    }
    return (ok, maxAbs)
}

func expectClose(_ a: Tensor, _ b: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (ok, maxAbs) = try closeness(a, b, rtol: rtol, atol: atol)
    #expect(a.shape == b.shape, "\(what): shape \(a.shape) vs reference \(b.shape)", sourceLocation: sourceLocation)
    #expect(ok, "\(what): max |diff| \(maxAbs) exceeds rtol \(rtol)", sourceLocation: sourceLocation)
}
