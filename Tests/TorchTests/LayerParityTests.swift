import Foundation
import Testing
@testable import Torch

/// Layers built after the same seed as PyTorch: identical default initialisation, identical state-dict
/// keys in the same order, identical outputs, and BatchNorm's running statistics updated the same way.
@Suite(.serialized) struct LayerParityTests {
    let fixtures: [String: Tensor]
    let meta: [String: String]

    init() throws {
        fixtures = try Fixtures.load("layers.safetensors")
        meta = try Fixtures.metadata("layers.safetensors")
    }

    func check(_ name: String, seed: UInt64, _ build: () throws -> Module, forward: (Module, Tensor) throws -> Tensor) throws {
        try Torch.manualSeed(seed)
        let module = try build()
        let keys = try JSONDecoder().decode([String].self, from: Data(meta[name]!.utf8))
        let state = module.stateDict()
        #expect(state.map(\.key) == keys, "\(name): state-dict keys")
        // Initial values drawn from the same generator (compared before the forward pass updates buffers).
        let initial = try state.map { ($0.key, try $0.tensor.clone()) }
        let y = try forward(module, fixtures["\(name)/x"]!)
        try expectClose(y, fixtures["\(name)/y"]!, "\(name) output")
        for (key, value) in initial where !key.hasPrefix("running_") && !key.contains(".running_") && !key.contains("num_batches") {
            try expectClose(value, fixtures["\(name)/state/\(key)"]!, rtol: 0, atol: 0, "\(name) initial \(key)")
        }
        // Buffers after one training-mode forward (BatchNorm running statistics).
        for (key, value) in module.stateDict() {
            try expectClose(value, fixtures["\(name)/state/\(key)"]!, "\(name) \(key) after forward")
        }
    }

    func unary(_ name: String, seed: UInt64, _ build: () throws -> any UnaryLayer) throws {
        try check(name, seed: seed, build) { m, x in try (m as! any UnaryLayer)(x) }
    }

    @Test func linear() throws {
        try unary("linear", seed: 1) { try Linear(7, 5) }
        try unary("linear_nobias", seed: 2) { try Linear(4, 6, bias: false) }
    }

    @Test func convolutions() throws {
        try unary("conv1d", seed: 3) { try Conv1d(4, 6, kernelSize: 3, stride: 2, padding: 1) }
        try unary("conv2d", seed: 4) { try Conv2d(3, 8, kernelSize: 3, padding: 1, bias: false) }
        try unary("conv2d_groups", seed: 5) { try Conv2d(4, 8, kernelSize: 3, groups: 2) }
    }

    @Test func normalisation() throws {
        try unary("batchnorm2d_train", seed: 6) { try BatchNorm2d(3) }
        try unary("batchnorm1d_train", seed: 7) { try BatchNorm1d(5, momentum: nil) }
        try unary("layernorm", seed: 8) { try LayerNorm(6) }
        try unary("groupnorm", seed: 9) { try GroupNorm(groups: 2, channels: 4) }
    }

    @Test func embedding() throws {
        try unary("embedding", seed: 10) { try Embedding(12, 5, paddingIndex: 0) }
    }

    @Test func sequentialNamesChildrenByIndex() throws {
        try unary("sequential", seed: 11) {
            Sequential([try Conv2d(1, 4, kernelSize: 3), try BatchNorm2d(4), ReLU(), MaxPool2d(kernelSize: 2),
                        Flatten(), try Linear(4 * 3 * 3, 6)])
        }
    }

    @Test func multiheadAttentionWithKeyPadding() throws {
        let k = fixtures["mha/k"]!, kpm = fixtures["mha/kpm"]!
        var weights: Tensor?
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try check("mha", seed: 12, { try MultiheadAttention(embedDim: 12, heads: 3) }) { m, x in
            let (out, w) = try (m as! MultiheadAttention)(x, k, k, keyPaddingMask: kpm)
            weights = w
            return out
        }
        try expectClose(weights!, fixtures["mha/weights"]!, "mha averaged weights")
    }

    @Test func multiheadAttentionBatchFirstCausal() throws {
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try check("mha_batch_first_causal", seed: 13, { try MultiheadAttention(embedDim: 8, heads: 2, batchFirst: true) }) { m, x in
            let mask = try Tensor.ones([4, 4], dtype: .bool).tril(0).logicalNot()
            return try (m as! MultiheadAttention)(x, x, x, needWeights: false, attnMask: mask).output
        }
    }

    @Test func pytorchCheckpointLoadsThroughLibtorch() throws {
        let dict = try Checkpoint.loadPyTorch(Fixtures.url("tiny_state_dict.pth"))
        #expect(Set(dict.keys) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        try Torch.manualSeed(14)
        let model = Sequential([try Conv2d(1, 2, kernelSize: 3), try BatchNorm2d(2)])
        try model.load(stateDict: dict)
        try expectClose(model.stateDict()[0].tensor, dict["0.weight"]!, rtol: 0, atol: 0, "loaded conv weight")
    }
}
