import Foundation
import Testing
@testable import Torch

/// Five optimizer steps on a small regression, and learning-rate schedules, against torch.optim.
@Suite struct OptimizerParityTests {
    let f: [String: Tensor]
    let meta: [String: String]
    init() throws {
        f = try Fixtures.load("optim.safetensors")
        meta = try Fixtures.metadata("optim.safetensors")
    }

    func run(_ name: String, _ make: ([Tensor]) throws -> Optimizer) throws {
        let w = try f["w0"]!.clone().requiresGrad(true)
        let b = try f["b0"]!.clone().requiresGrad(true)
        let opt = try make([w, b])
        for _ in 0..<5 {
            try opt.zeroGrad()
            let loss = try Functional.mseLoss(Functional.linear(f["x"]!, weight: w, bias: b), f["y"]!)
            try loss.backward()
            try opt.step()
        }
        try expectClose(w, f["\(name)/w"]!, "\(name) weight")
        try expectClose(b, f["\(name)/b"]!, "\(name) bias")
    }

    @Test func adam() throws {
        try run("adam") { try Optimizer.adam($0, lr: 0.01) }
        try run("adam_wd_amsgrad") { try Optimizer.adam($0, lr: 0.02, betas: (0.8, 0.99), weightDecay: 0.1, amsgrad: true) }
    }

    @Test func adamW() throws { try run("adamw") { try Optimizer.adamW($0, lr: 0.01, weightDecay: 0.05) } }

    @Test func sgd() throws {
        try run("sgd_momentum") { try Optimizer.sgd($0, lr: 0.05, momentum: 0.9, weightDecay: 1e-3) }
        try run("sgd_nesterov") { try Optimizer.sgd($0, lr: 0.05, momentum: 0.9, nesterov: true) }
    }

    func sequence(_ key: String) throws -> [Double] { try JSONDecoder().decode([Double].self, from: Data(meta[key]!.utf8)) }

    func lrs(_ make: (Optimizer) throws -> any LRSchedule, metrics: [Double]? = nil) throws -> [Double] {
        let opt = try Optimizer.sgd([try Tensor.zeros([1]).requiresGrad(true)], lr: 0.1)
        let schedule = try make(opt)
        return try (0..<12).map { e in
            try schedule.step(metric: metrics?[e])
            return opt.learningRate()
        }
    }

    @Test func schedules() throws {
        let step = try lrs { StepLR($0, stepSize: 3, gamma: 0.5) }
        let cosine = try lrs { try CosineAnnealingLR($0, tMax: 10, etaMin: 0.001) }
        let plateau = try lrs({ ReduceLROnPlateau($0, factor: 0.5, patience: 2) }, metrics: try sequence("plateau_metrics"))
        for (ours, key) in [(step, "step_lr"), (plateau, "plateau_lr")] {
            let ref = try sequence(key)
            #expect(zip(ours, ref).allSatisfy { Swift.abs($0 - $1) <= 1e-12 }, "\(key): \(ours) vs \(ref)")
        }
        // PyTorch's CosineAnnealingLR is recursive; past T_max it climbs again, TakeSense's holds at eta_min.
        let ref = try sequence("cosine_lr")
        for e in 0..<10 { #expect(Swift.abs(cosine[e] - ref[e]) <= 1e-9, "cosine epoch \(e + 1): \(cosine[e]) vs \(ref[e])") }
    }

    @Test func parameterGroupsAndStateRoundTrip() throws {
        let a = try Tensor.ones([3]).requiresGrad(true)
        let b = try Tensor.ones([2]).requiresGrad(true)
        let opt = try Optimizer.adam([a], lr: 0.1)
        try opt.addParamGroup([b], lr: 0.01)
        #expect(opt.groupCount == 2)
        #expect(opt.learningRate(group: 1) == 0.01)
        try (a.sum() + b.sum()).backward()
        try opt.step()
        // Adam's first step moves each parameter by lr (sign of the gradient).
        #expect(try Swift.abs(a.floats()[0] - 0.9) < 1e-5)
        #expect(try Swift.abs(b.floats()[0] - 0.99) < 1e-5)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("opt-\(UUID().uuidString).pt")
        defer { try? FileManager.default.removeItem(at: url) }
        try opt.save(to: url)
        let other = try Optimizer.adam([a], lr: 0.1)
        try other.addParamGroup([b], lr: 0.01)
        try other.load(from: url)
        #expect(throws: TorchError.self) { try Optimizer.adam([a]).load(from: URL(fileURLWithPath: "/nonexistent/opt.pt")) }
    }
}
