import CTorch
import Foundation

/// An optimizer over a list of parameters: libtorch's own Adam, AdamW and SGD implementations, which
/// compute exactly what `torch.optim` does.
public final class Optimizer {
    let handle: OpaquePointer

    private init(_ handle: OpaquePointer?) throws {
        guard let handle else { throw TorchError.last() }
        self.handle = handle
    }
    deinit { ts_optimizer_free(handle) }

    private static func handles(_ params: [Tensor]) -> [OpaquePointer?] { params.map { $0.handle } }

    public static func adam(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, amsgrad: Bool = false) throws -> Optimizer {
        try handles(params).withUnsafeBufferPointer {
            try Optimizer(ts_adam_new($0.baseAddress, Int32($0.count), lr, betas.0, betas.1, eps, weightDecay, amsgrad ? 1 : 0))
        }
    }

    public static func adamW(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                             weightDecay: Double = 1e-2, amsgrad: Bool = false) throws -> Optimizer {
        try handles(params).withUnsafeBufferPointer {
            try Optimizer(ts_adamw_new($0.baseAddress, Int32($0.count), lr, betas.0, betas.1, eps, weightDecay, amsgrad ? 1 : 0))
        }
    }

    public static func sgd(_ params: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                           nesterov: Bool = false) throws -> Optimizer {
        try handles(params).withUnsafeBufferPointer {
            try Optimizer(ts_sgd_new($0.baseAddress, Int32($0.count), lr, momentum, dampening, weightDecay, nesterov ? 1 : 0))
        }
    }

    /// Adds a parameter group with its own learning rate and weight decay (e.g. a new head trained faster).
    public func addParamGroup(_ params: [Tensor], lr: Double, weightDecay: Double = 0) throws {
        let hs = Self.handles(params)
        try check(hs.withUnsafeBufferPointer { ts_optimizer_add_group(handle, $0.baseAddress, Int32($0.count), lr, weightDecay) })
    }

    public var groupCount: Int { Int(ts_optimizer_group_count(handle)) }

    public func learningRate(group: Int = 0) -> Double { ts_optimizer_get_lr(handle, Int32(group)) }

    public func setLearningRate(_ lr: Double, group: Int) throws { try check(ts_optimizer_set_lr(handle, Int32(group), lr)) }

    /// Sets every group's learning rate.
    public func setLearningRate(_ lr: Double) throws {
        for g in 0..<groupCount { try setLearningRate(lr, group: g) }
    }

    public func step() throws { try check(ts_optimizer_step(handle)) }
    public func zeroGrad() throws { try check(ts_optimizer_zero_grad(handle)) }

    /// Saves the optimizer state (moments, step counts) for resuming.
    public func save(to url: URL) throws { try check(ts_optimizer_save(handle, url.path)) }
    public func load(from url: URL) throws { try check(ts_optimizer_load(handle, url.path)) }
}

/// A learning-rate schedule. `step` is called once per epoch (after validation) with the metric the
/// schedule may watch, and sets the optimizer's learning rates.
public protocol LRSchedule: AnyObject {
    /// Advances one epoch.
    func step(metric: Double?) throws
}

/// Multiplies base rates by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR).
public final class StepLR: LRSchedule {
    let optimizer: Optimizer
    let base: [Double]
    public let stepSize: Int, gamma: Double
    public private(set) var epoch = 0

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) {
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
        base = (0..<optimizer.groupCount).map { optimizer.learningRate(group: $0) }
    }

    public func step(metric: Double? = nil) throws {
        epoch += 1
        let factor = Foundation.pow(gamma, Double(epoch / stepSize))
        for (g, lr) in base.enumerated() { try optimizer.setLearningRate(lr * factor, group: g) }
    }
}

/// Cosine annealing from the base rates to `etaMin` over `tMax` epochs (CosineAnnealingLR's closed
/// form), with optional linear warm-up epochs first.
public final class CosineAnnealingLR: LRSchedule {
    let optimizer: Optimizer
    let base: [Double]
    public let tMax: Int, etaMin: Double, warmup: Int
    public private(set) var epoch = 0

    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0, warmup: Int = 0) throws {
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        self.warmup = warmup
        base = (0..<optimizer.groupCount).map { optimizer.learningRate(group: $0) }
        if warmup > 0 { try apply() }
    }

    public func rate(base lr: Double, epoch e: Int) -> Double {
        if e < warmup { return lr * Double(e + 1) / Double(warmup + 1) }
        let t = Double(Swift.min(e - warmup, tMax - warmup))
        let span = Double(Swift.max(1, tMax - warmup))
        return etaMin + (lr - etaMin) * (1 + Foundation.cos(Double.pi * t / span)) / 2
    }

    private func apply() throws {
        for (g, lr) in base.enumerated() { try optimizer.setLearningRate(rate(base: lr, epoch: epoch), group: g) }
    }

    public func step(metric: Double? = nil) throws {
        epoch += 1
        try apply()
    }
}

/// Reduces the learning rate by `factor` when the watched metric stops improving for `patience`
/// epochs (ReduceLROnPlateau, mode "min" or "max", relative threshold).
public final class ReduceLROnPlateau: LRSchedule {
    public enum Mode: Sendable { case min, max }
    let optimizer: Optimizer
    public let mode: Mode, factor: Double, patience: Int, threshold: Double, cooldown: Int, minLR: Double, eps: Double
    public private(set) var best: Double
    public private(set) var badEpochs = 0
    var cooldownCounter = 0
    /// Epochs of cooldown left (for checkpointing).
    public var cooldownRemaining: Int { cooldownCounter }

    /// Restores the state saved by a checkpoint.
    public func restore(best: Double, badEpochs: Int, cooldown: Int) {
        self.best = best
        self.badEpochs = badEpochs
        cooldownCounter = cooldown
    }

    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) {
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    func isBetter(_ a: Double) -> Bool {
        mode == .min ? a < best * (1 - threshold) : a > best * (1 + threshold)
    }

    public func step(metric: Double?) throws {
        guard let metric else { throw TorchError("ReduceLROnPlateau.step needs the watched metric") }
        if isBetter(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            for g in 0..<optimizer.groupCount {
                let old = optimizer.learningRate(group: g)
                let new = Swift.max(old * factor, minLR)
                if old - new > eps { try optimizer.setLearningRate(new, group: g) }
            }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }
}
