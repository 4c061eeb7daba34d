import Foundation
import Testing
@testable import Torch

/// Every op case in ops.safetensors, computed again here and compared with PyTorch's output and
/// input gradients (rtol 1e-5).
@Suite struct OpParityTests {
    typealias Op = @Sendable ([Tensor]) throws -> Tensor
    typealias F = Functional

    static let ops: [String: Op] = [
        "add_broadcast": { try $0[0] + $0[1] },
        "sub": { try $0[0] - $0[1] },
        "mul_broadcast": { try $0[0] * $0[1] },
        "div": { try $0[0] / $0[1] },
        "scalar_ops": { try (2.5 - $0[0]) * 3.0 / 2.0 + 1.0 },
        "rdiv_scalar": { try 2.0 / $0[0] },
        "pow_scalar": { try $0[0].pow(1.7) },
        "pow_tensor": { try $0[0].pow($0[1]) },
        "maximum": { try $0[0].maximum($0[1]) },
        "neg_abs": { try -($0[0].abs()) },
        "exp_log": { try $0[0].exp() + $0[0].log() + $0[0].sqrt() + $0[0].rsqrt() },
        "trig": { try $0[0].sin() * $0[0].cos() + $0[0].tanh() },
        "clamp": { try $0[0].clamp(min: -0.5, max: 0.7) },
        "matmul_2d": { try $0[0].matmul($0[1]) },
        "matmul_batched_broadcast": { try $0[0].matmul($0[1]) },
        "matmul_vec": { try $0[0].matmul($0[1]) },
        "linear": { try F.linear($0[0], weight: $0[1], bias: $0[2]) },
        "sum_all": { try $0[0].sum() },
        "sum_dims_keep": { try $0[0].sum(dims: [0, 2], keepDim: true) },
        "mean_dim": { try $0[0].mean(dim: 1) },
        "amax_dim": { try $0[0].amax(dims: [1]) },
        "var_unbiased": { try $0[0].variance(dims: [1]) },
        "std_biased": { try $0[0].std(dims: [0], correction: 0) },
        "logsumexp": { try $0[0].logsumexp(dims: [1]) },
        "argmax": { try $0[0].argmax(dim: 1) },
        "relu": { try $0[0].relu() },
        "gelu": { try $0[0].gelu() },
        "gelu_tanh": { try $0[0].gelu(approximate: true) },
        "silu": { try $0[0].silu() },
        "sigmoid": { try $0[0].sigmoid() },
        "softmax": { try $0[0].softmax(dim: -1) },
        "log_softmax": { try $0[0].logSoftmax(dim: 0) },
        "hardswish": { try $0[0].hardswish() },
        "reshape_permute": { try $0[0].reshape([4, 6]).transpose(0, 1).reshape([2, 2, 6]).permute([2, 0, 1]) },
        "transpose_contig": { try $0[0].transpose(0, 2).contiguous().flatten(start: 1) },
        "slice_step": { try $0[0].slice(dim: 0, start: 1, end: 9, step: 3) },
        "slice_negative": { try $0[0].slice(dim: 1, start: -5, end: -1) },
        "select": { try $0[0].select(dim: 1, index: 2) },
        "cat": { try Torch.cat([$0[0], $0[1]], dim: 0) },
        "stack": { try Torch.stack([$0[0], $0[1]], dim: 1) },
        "unsqueeze_expand": { try $0[0].unsqueeze(0).expand([4, 3]) * 1.0 },
        "index_select": { try $0[0].indexSelect(dim: 0, index: $0[1]) },
        "gather": { try $0[0].gather(dim: 1, index: $0[1]) },
        "masked_fill": { try $0[0].maskedFill($0[1], -2.0) },
        "where": { try Torch.where($0[0], $0[1], $0[2]) },
        "flip_roll": { try $0[0].flip([1]).roll(2, dim: 0) },
        "pad_constant": { try $0[0].pad([1, 2, 0, 1], value: 0.5) },
        "pad_reflect": { try $0[0].pad([3, 3], mode: .reflect) },
        "split_second": { try $0[0].split(size: 3, dim: 0)[2] },
        "conv1d": { try F.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1) },
        "conv1d_dilated_groups": { try F.conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2, dilation: 2, groups: 2) },
        "conv2d": { try F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1)) },
        "conv2d_groups_dilation": { try F.conv2d($0[0], weight: $0[1], bias: nil, padding: (2, 2), dilation: (2, 2), groups: 4) },
        "conv2d_rect": { try F.conv2d($0[0], weight: $0[1], bias: nil, stride: (2, 1), padding: (1, 0)) },
        "batch_norm_eval": { try F.batchNorm($0[0], runningMean: $0[3], runningVar: $0[4], weight: $0[1], bias: $0[2], training: false) },
        "batch_norm_train": { try F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true) },
        "layer_norm": { try F.layerNorm($0[0], normalizedShape: [8], weight: $0[1], bias: $0[2]) },
        "group_norm": { try F.groupNorm($0[0], groups: 3, weight: $0[1], bias: $0[2]) },
        "max_pool2d": { try F.maxPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1)) },
        "max_pool2d_ceil": { try F.maxPool2d($0[0], kernel: (3, 3), stride: (2, 2), ceilMode: true) },
        "avg_pool2d": { try F.avgPool2d($0[0], kernel: (2, 2)) },
        "avg_pool2d_pad": { try F.avgPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false) },
        "adaptive_avg_pool2d": { try F.adaptiveAvgPool2d($0[0], outputSize: (1, 1)) },
        "adaptive_avg_pool2d_7": { try F.adaptiveAvgPool2d($0[0], outputSize: (7, 7)) },
        "bilinear_up": { try F.interpolateBilinear($0[0], size: (9, 11)) },
        "bilinear_down_aa": { try F.interpolateBilinear($0[0], size: (7, 5), antialias: true) },
        "affine_grid_sample": {
            let grid = try F.affineGrid($0[1], size: [2, 3, 6, 7])
            return try F.gridSample($0[0], grid: grid, padding: .border)
        },
        "cross_entropy": { try F.crossEntropy($0[0], target: $0[1]) },
        "cross_entropy_weighted_smooth": { try F.crossEntropy($0[0], target: $0[1], weight: $0[2].detach(), labelSmoothing: 0.1) },
        "cross_entropy_sum_ignore": { try F.crossEntropy($0[0], target: $0[1], reduction: .sum) },
        "mse": { try F.mseLoss($0[0], $0[1]) },
        "embedding": { try F.embedding($0[1], weight: $0[0]) },
        "dropout_seeded": {
            try Torch.manualSeed(99)
            return try F.dropout($0[0], p: 0.3, training: true)
        },
    ]

    @Test func everyReferenceOpMatchesPyTorch() throws {
        let fixtures = try Fixtures.load("ops.safetensors")
        let meta = try Fixtures.metadata("ops.safetensors")
        let names = try JSONDecoder().decode([String].self, from: Data(meta["cases"]!.utf8))
        #expect(names.count > 60)
        for name in names {
            guard let op = Self.ops[name] else {
                Issue.record("no Swift implementation for reference case \(name)")
                continue
            }
            var inputs: [Tensor] = []
            var i = 0
            while let t = fixtures["\(name)/in.\(i)"] {
                let x = try t.clone()
                if fixtures["\(name)/grad.\(i)"] != nil { try x.requiresGrad(true) }
                inputs.append(x)
                i += 1
            }
            let out = try op(inputs)
            try expectClose(out, fixtures["\(name)/out"]!, "\(name) output")
            if let gout = fixtures["\(name)/gout"] {
                try out.backward(gout)
                for (k, x) in inputs.enumerated() {
                    guard let ref = fixtures["\(name)/grad.\(k)"] else { continue }
                    guard let g = x.grad else {
                        Issue.record("\(name): input \(k) got no gradient")
                        continue
                    }
                    try expectClose(g, ref, "\(name) gradient of input \(k)")
                }
            }
        }
    }
}
