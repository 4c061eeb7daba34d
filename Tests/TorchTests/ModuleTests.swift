import Foundation
import Testing
@testable import Torch

final class Block: Module, UnaryLayer {
    let conv1: Conv2d
    let bn1: BatchNorm2d
    let downsample: Sequential?
    init(downsample: Bool) throws {
        conv1 = try Conv2d(2, 2, kernelSize: 3, padding: 1, bias: false)
        bn1 = try BatchNorm2d(2)
        self.downsample = downsample ? Sequential([try Conv2d(2, 2, kernelSize: 1, bias: false), try BatchNorm2d(2)]) : nil
        super.init()
    }
    func callAsFunction(_ x: Tensor) throws -> Tensor { try bn1(conv1(x)).relu() }
}

final class Net: Module {
    let stem: Conv2d
    let layer1: Sequential
    let heads: [Linear]
    init(_ channels: Int = 2) throws {
        stem = try Conv2d(1, 2, kernelSize: 3)
        layer1 = Sequential([try Block(downsample: true), try Block(downsample: false)])
        heads = [try Linear(2, 3), try Linear(2, 4)]
        super.init()
    }
}

@Suite struct ModuleTests {
    @Test func stateDictKeysFollowPyTorchNaming() throws {
        let keys = try Net(2).stateDict().map(\.key)
        #expect(keys == [
            "stem.weight", "stem.bias",
            "layer1.0.conv1.weight",
            "layer1.0.bn1.weight", "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var", "layer1.0.bn1.num_batches_tracked",
            "layer1.0.downsample.0.weight",
            "layer1.0.downsample.1.weight", "layer1.0.downsample.1.bias", "layer1.0.downsample.1.running_mean",
            "layer1.0.downsample.1.running_var", "layer1.0.downsample.1.num_batches_tracked",
            "layer1.1.conv1.weight",
            "layer1.1.bn1.weight", "layer1.1.bn1.bias", "layer1.1.bn1.running_mean", "layer1.1.bn1.running_var", "layer1.1.bn1.num_batches_tracked",
            "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias",
        ])
        let net = try Net(2)
        #expect(net.namedParameters().count == 15)
        let stem = 1 * 2 * 9 + 2
        let block0 = 2 * 2 * 9 + 4 + 2 * 2 + 4  // conv1, bn1, downsample conv, downsample bn
        let block1 = 2 * 2 * 9 + 4
        let heads = (2 * 3 + 3) + (2 * 4 + 4)
        #expect(net.parameterCount() == stem + block0 + block1 + heads)
    }

    @Test func trainEvalPropagates() throws {
        let net = try Net(2)
        net.eval()
        #expect(net.namedModules().allSatisfy { !$0.module.training })
        net.train()
        #expect(net.layer1.layers[1].training)
    }

    @Test func freezingByPrefixAndByCount() throws {
        let net = try Net(2)
        #expect(try net.freeze(prefix: "layer1") == 9)
        #expect(net.namedParameters().filter { !$0.tensor.requiresGrad }.allSatisfy { $0.name.hasPrefix("layer1.") })
        try net.freeze(prefix: "", false)
        try net.freeze(firstParameters: 3)
        #expect(net.namedParameters().map(\.tensor.requiresGrad) == [false, false, false] + Array(repeating: true, count: 12))
        try net.freeze(firstLayers: 2)  // stem and layer1.0.conv1
        let frozen = net.namedParameters().filter { !$0.tensor.requiresGrad }.map(\.name)
        #expect(frozen == ["stem.weight", "stem.bias", "layer1.0.conv1.weight"])
        #expect(net.trainableParameters.count == 12)
    }

    @Test func strictLoadNamesEveryProblemAndChangesNothing() throws {
        let net = try Net(2)
        var dict = Dictionary(uniqueKeysWithValues: try Net(2).stateDict().map { ($0.key, $0.tensor) })
        dict["heads.1.weight"] = try Tensor.zeros([5, 2])
        dict.removeValue(forKey: "stem.bias")
        dict["extra.weight"] = try Tensor.zeros([1])
        let before = try net.stem.weight.clone()
        do {
            try net.load(stateDict: dict)
            Issue.record("strict load accepted a mismatched state dict")
        } catch let e as TorchError {
            #expect(e.message.contains("missing 1: stem.bias"), "\(e)")
            #expect(e.message.contains("unexpected 1: extra.weight"), "\(e)")
            #expect(e.message.contains("heads.1.weight (model [4, 2], checkpoint [5, 2])"), "\(e)")
        }
        try expectClose(net.stem.weight, before, rtol: 0, atol: 0, "untouched after a failed strict load")
        let report = try net.load(stateDict: dict, strict: false)
        #expect(report.missing == ["stem.bias"])
        #expect(report.unexpected == ["extra.weight"])
        #expect(report.mismatched.map(\.key) == ["heads.1.weight"])
        #expect(report.loaded.count == 22)
        try expectClose(net.stem.weight, dict["stem.weight"]!, rtol: 0, atol: 0, "loaded in partial mode")
    }

    @Test func safetensorsRoundTripAndHalfPrecision() throws {
        let net = try Net(2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("net.safetensors"), half = dir.appendingPathComponent("net16.safetensors")
        try net.save(to: full, metadata: ["labels": "a,b,c"])
        try net.save(to: half, floatType: .float16)
        let other = try Net(2)
        try other.load(contentsOf: full)
        for ((k, a), (_, b)) in zip(net.stateDict(), other.stateDict()) { try expectClose(a, b, rtol: 0, atol: 0, k) }
        #expect(try Checkpoint.safetensorsMetadata(full)["labels"] == "a,b,c")
        #expect(try Checkpoint.loadSafetensors(half)["stem.weight"]!.dtype == .float16)
        #expect(try Checkpoint.loadSafetensors(half)["layer1.0.bn1.num_batches_tracked"]!.dtype == .int64)
        try other.load(contentsOf: half)
        try expectClose(other.stem.weight, net.stem.weight, rtol: 1e-3, atol: 1e-4, "float16 round trip")
        #expect(other.stem.weight.dtype == .float32)
    }

    @Test func malformedCheckpointIsAReadableError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("not a checkpoint".utf8).write(to: url)
        do {
            _ = try Net(2).load(contentsOf: url)
            Issue.record("garbage loaded")
        } catch {
            #expect("\(error)".hasPrefix(url.path + ": "), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }
}
