import Foundation
import Testing
@testable import Torch

/// `Torch.withAutocast` (bfloat16 on CPU) against torch.autocast in Debian's python3-torch 1.13.1
/// (Scripts/make_autocast_fixtures.py), and its scoping rules.
@Suite("Torch: bfloat16 autocast", .serialized)
struct AutocastTests {
    func network() throws -> Sequential {
        Sequential([try Conv2d(1, 4, kernelSize: 3), try BatchNorm2d(4), ReLU(), MaxPool2d(kernelSize: 2), Flatten(), try Linear(4 * 3 * 3, 6)])
    }

    @Test func trainingStepsMatchPyTorch() throws {
        let f = try Fixtures.load("autocast.safetensors")
        let net = try network()
        for (key, tensor) in net.stateDict() { try tensor.copy(from: f["initial/\(key)"]!) }
        net.train()
        let optimizer = try Optimizer.sgd(net.parameters, lr: 0.05, momentum: 0.9, nesterov: true)
        let x = f["x"]!, y = f["y"]!
        for step in 0..<3 {
            try optimizer.zeroGrad()
            let logits = try Torch.withAutocast(.bfloat16) { try net(x) }
            // Autocast runs the linear layer in bfloat16: the logits come back in bfloat16, as in PyTorch.
            #expect(logits.dtype == .bfloat16)
            let loss = try Functional.crossEntropy(logits.to(.float32), target: y)
            try loss.backward()
            if step == 0 {
                try expectClose(logits.to(.float32), f["step0/logits"]!.to(.float32), rtol: 1e-2, atol: 1e-2, "step 0 logits")
                try expectClose(loss.reshape([1]), f["step0/loss"]!, rtol: 1e-3, atol: 1e-3, "step 0 loss")
                for (key, p) in net.namedParameters() {
                    // fp32 master weights: gradients arrive in float32.
                    let g = try #require(p.grad)
                    #expect(g.dtype == .float32, "\(key) gradient dtype")
                    try expectClose(g, f["step0/grad/\(key)"]!, rtol: 2e-2, atol: 2e-3, "step 0 gradient of \(key)")
                }
            }
            try optimizer.step()
        }
        for (key, tensor) in net.stateDict() {
            #expect(tensor.dtype == f["final/\(key)"]!.dtype, "\(key) stays \(tensor.dtype)")
            try expectClose(tensor, f["final/\(key)"]!, rtol: 1e-2, atol: 2e-3, "\(key) after three steps")
        }
    }

    @Test func scopeRestoresStateAndNests() throws {
        #expect(!Torch.isAutocastEnabled)
        let w = try Tensor.randn([3, 4]), x = try Tensor.randn([2, 4])
        let inner: DType = try Torch.withAutocast {
            #expect(Torch.isAutocastEnabled)
            let nested = try Torch.withAutocast { try Functional.linear(x, weight: w, bias: nil).dtype }
            #expect(Torch.isAutocastEnabled, "an inner scope leaves the outer one on")
            #expect(nested == .bfloat16)
            return try Functional.linear(x, weight: w, bias: nil).dtype
        }
        #expect(inner == .bfloat16)
        #expect(!Torch.isAutocastEnabled)
        #expect(try Functional.linear(x, weight: w, bias: nil).dtype == .float32)
        // An error inside the scope still restores the state.
        struct Boom: Error {}
        #expect(throws: Boom.self) { try Torch.withAutocast { throw Boom() } }
        #expect(!Torch.isAutocastEnabled)
        // Only bfloat16 exists for CPU autocast in libtorch 1.13.
        #expect(throws: TorchError.self) { try Torch.withAutocast(.float16) { } }
        #expect(!Torch.isAutocastEnabled)
    }

    @Test func stateIsPerThread() throws {
        try Torch.withAutocast {
            #expect(Torch.isAutocastEnabled)
            final class Box: @unchecked Sendable { var enabled = true }
            let box = Box()
            let done = DispatchSemaphore(value: 0)
            let thread = Thread { box.enabled = Torch.isAutocastEnabled; done.signal() }
            thread.start()
            done.wait()
            #expect(!box.enabled, "another thread does not inherit this thread's autocast")
        }
    }

    @Test func weightCastsAreNotReusedAcrossScopes() throws {
        // The cache of bfloat16 weight copies is dropped when the outermost scope ends: a weight changed
        // between two scopes is seen changed.
        let linear = try Linear(4, 2, bias: false)
        let x = try Tensor.ones([1, 4])
        let before = try Torch.withAutocast { try linear(x) }.to(.float32)
        try Torch.noGrad { try linear.weight.fill(0) }
        let after = try Torch.withAutocast { try linear(x) }.to(.float32)
        #expect(try after.abs().sum().item() == 0)
        #expect(try before.abs().sum().item() > 0)
    }

    @Test func channelsLastKeepsValues() throws {
        let x = try Tensor.randn([2, 3, 5, 5])
        let cl = try x.contiguous(channelsLast: true)
        #expect(try cl.isContiguous(channelsLast: true))
        #expect(try !x.isContiguous(channelsLast: true))
        try expectClose(cl, x, rtol: 0, atol: 0, "channels-last copy")
        let conv = try Conv2d(3, 4, kernelSize: 3)
        let y = try conv(x)
        try conv.convertToChannelsLast()
        #expect(try conv.weight.isContiguous(channelsLast: true))
        try expectClose(conv(cl), y, rtol: 1e-5, atol: 1e-5, "convolution after channels-last conversion")
    }
}
