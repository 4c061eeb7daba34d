import Foundation

/// Marks a tensor property of a `Module` as a buffer: saved in the state dict, never trained
/// (BatchNorm's `running_mean`, for example). Plain `Tensor` properties are parameters.
@propertyWrapper
public final class Buffer {
    public var wrappedValue: Tensor
    public init(wrappedValue: Tensor) { self.wrappedValue = wrappedValue }
}

/// What `Module.load` found when matching a state dict against a module.
public struct LoadReport: Sendable, CustomStringConvertible {
    /// Keys the module has but the state dict lacks.
    public var missing: [String] = []
    /// Keys the state dict has but the module lacks.
    public var unexpected: [String] = []
    /// Keys present on both sides with different shapes: (key, module shape, checkpoint shape).
    public var mismatched: [(key: String, expected: [Int], found: [Int])] = []
    /// Keys copied into the module.
    public var loaded: [String] = []

    public var isExact: Bool { missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty }

    public var description: String {
        var parts: [String] = ["loaded \(loaded.count) tensors"]
        if !missing.isEmpty { parts.append("missing \(missing.count): \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { parts.append("unexpected \(unexpected.count): \(unexpected.joined(separator: ", "))") }
        if !mismatched.isEmpty {
            parts.append(
                "shape mismatch \(mismatched.count): " + mismatched.map { "\($0.key) (model \($0.expected), checkpoint \($0.found))" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}

/// The base of every model and layer.
///
/// Parameters, buffers and sub-modules are discovered by reflection over stored properties, and
/// their names are the property names, so a module whose properties are named like a PyTorch model's
/// attributes has exactly PyTorch's `state_dict` keys (`layer1.0.conv1.weight`, `bn1.running_mean`):
/// - `Tensor` (or `Tensor?`) properties are parameters;
/// - `@Buffer var x: Tensor` properties are buffers;
/// - `Module` (or `Module?`) properties are children, named by the property;
/// - arrays of modules are children named `<property>.<index>`; in a container that sets
///   `flattensArrays` (Sequential, ModuleList) they are named `<index>` directly, as in PyTorch.
/// Within a module, the state dict lists its own parameters, then its buffers, then each child in
/// declaration order — PyTorch's order.
open class Module {
    /// Training mode (dropout active, batch norm uses batch statistics). Set with `train()`/`eval()`.
    public private(set) var training = true

    public init() {}

    /// Containers whose array elements are named by index alone (PyTorch's Sequential/ModuleList).
    open var flattensArrays: Bool { false }

    enum Member {
        case parameter(Tensor)
        case buffer(Tensor)
        case module(Module)
    }

    /// Direct members in declaration order (superclass properties first).
    func members() -> [(String, Member)] {
        var mirrors: [Mirror] = []
        var m: Mirror? = Mirror(reflecting: self)
        while let mirror = m {
            mirrors.append(mirror)
            m = mirror.superclassMirror
        }
        var out: [(String, Member)] = []
        for mirror in mirrors.reversed() {
            for child in mirror.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                let value = child.value
                if let buffer = value as? Buffer {
                    out.append((label, .buffer(buffer.wrappedValue)))
                } else if let tensor = value as? Tensor {
                    out.append((label, .parameter(tensor)))
                } else if let module = value as? Module {
                    out.append((label, .module(module)))
                } else if let array = value as? [Any], !array.isEmpty {
                    let prefix = flattensArrays ? "" : label + "."
                    if array.allSatisfy({ $0 is Module }) {
                        for (i, element) in array.enumerated() { out.append(("\(prefix)\(i)", .module(element as! Module))) }
                    } else if array.allSatisfy({ $0 is Tensor }) {
                        for (i, element) in array.enumerated() { out.append(("\(prefix)\(i)", .parameter(element as! Tensor))) }
                    }
                }
            }
        }
        return out
    }

    /// Direct children with their names.
    public var children: [(name: String, module: Module)] {
        members().compactMap { name, member in
            if case .module(let m) = member { return (name, m) }
            return nil
        }
    }

    /// This module and every descendant, with dotted names ("" for self), depth first.
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var out: [(String, Module)] = [(prefix, self)]
        for (name, child) in children {
            out += child.namedModules(prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
        }
        return out
    }

    private func collect(prefix: String, parameters: Bool, buffers: Bool, into out: inout [(String, Tensor)]) {
        let own = members()
        func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
        if parameters {
            for (name, member) in own { if case .parameter(let t) = member { out.append((key(name), t)) } }
        }
        if buffers {
            for (name, member) in own { if case .buffer(let t) = member { out.append((key(name), t)) } }
        }
        for (name, member) in own {
            if case .module(let m) = member { m.collect(prefix: key(name), parameters: parameters, buffers: buffers, into: &out) }
        }
    }

    /// Parameters with their state-dict keys, in PyTorch's order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        collect(prefix: "", parameters: true, buffers: false, into: &out)
        return out
    }

    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// Parameters that currently require gradients (what an optimizer should update).
    public var trainableParameters: [Tensor] { parameters.filter(\.requiresGrad) }

    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        collect(prefix: "", parameters: false, buffers: true, into: &out)
        return out
    }

    /// Parameters and buffers with their keys, in PyTorch's `state_dict()` order.
    public func stateDict() -> [(key: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        collect(prefix: "", parameters: true, buffers: true, into: &out)
        return out
    }

    /// Number of parameter elements (optionally only trainable ones).
    public func parameterCount(trainableOnly: Bool = false) -> Int {
        parameters.filter { !trainableOnly || $0.requiresGrad }.reduce(0) { $0 + $1.count }
    }

    // MARK: Modes

    /// Sets training mode on this module and every descendant.
    @discardableResult
    public func train(_ on: Bool = true) -> Self {
        for (_, m) in namedModules() { m.training = on }
        return self
    }

    /// Evaluation mode (`train(false)`).
    @discardableResult
    public func eval() -> Self { train(false) }

    // MARK: Freezing

    /// Stops (or restarts) gradient updates for every parameter whose key starts with `prefix`
    /// (matching whole path components: "layer1" freezes "layer1.0.conv1.weight", not "layer10...").
    /// Returns how many parameter tensors changed.
    @discardableResult
    public func freeze(prefix: String = "", _ frozen: Bool = true) throws -> Int {
        var n = 0
        for (name, t) in namedParameters() where prefix.isEmpty || name == prefix || name.hasPrefix(prefix + ".") {
            try t.requiresGrad(!frozen)
            n += 1
        }
        return n
    }

    /// Freezes the first `count` parameter tensors in state-dict order — PyTorch's common
    /// `for p in list(model.parameters())[:count]: p.requires_grad = False`.
    public func freeze(firstParameters count: Int) throws {
        for (i, t) in parameters.enumerated() { try t.requiresGrad(i >= count) }
    }

    /// Freezes the first `count` layers: modules that own parameters directly (a convolution, a batch
    /// norm, a linear layer), in definition order. Everything after them stays trainable.
    public func freeze(firstLayers count: Int) throws {
        var seen = 0
        for (_, module) in namedModules() {
            let own = module.members().compactMap { _, member -> Tensor? in
                if case .parameter(let t) = member { return t }
                return nil
            }
            guard !own.isEmpty else { continue }
            for t in own { try t.requiresGrad(seen >= count) }
            seen += 1
        }
    }

    // MARK: Loading

    /// Copies tensors from a state dict into this module's parameters and buffers (dtype converted).
    ///
    /// In strict mode any missing, unexpected or shape-mismatched key is an error naming every such key
    /// and nothing is modified. In partial mode the matching keys are loaded and the rest reported.
    @discardableResult
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws -> LoadReport {
        var report = LoadReport()
        let own = self.stateDict()
        var ownKeys = Set<String>()
        var pairs: [(Tensor, Tensor)] = []
        for (key, target) in own {
            ownKeys.insert(key)
            guard let source = stateDict[key] else { report.missing.append(key); continue }
            let expected = target.shape, found = source.shape
            if expected != found {
                report.mismatched.append((key, expected, found))
                continue
            }
            // An integer tensor copied into a floating parameter is a relabelled or corrupt file, never a
            // conversion anyone wants: the bytes would be read as integers and the model silently wrong.
            if target.dtype.isFloatingPoint != source.dtype.isFloatingPoint {
                throw TorchError("tensor '\(key)' is stored as \(source.dtype) but the model's \(key) is \(target.dtype)")
            }
            pairs.append((target, source))
            report.loaded.append(key)
        }
        report.unexpected = stateDict.keys.filter { !ownKeys.contains($0) }.sorted()
        if strict && !report.isExact {
            throw TorchError("state dict does not match the model: " + report.description)
        }
        try Torch.noGrad {
            for (target, source) in pairs { try target.copy(from: source) }
        }
        return report
    }
}

/// A module mapping one tensor to one tensor; what `Sequential` chains.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) throws -> Tensor
}
