import Foundation
import Testing
@testable import Torch

@Suite struct TensorTests {
    @Test func roundTripsSwiftArraysInEveryDType() throws {
        let f = try Tensor([1.5, -2, 3.25, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(f.shape == [2, 3])
        #expect(f.dtype == .float32)
        #expect(try f.toArray(Float.self) == [1.5, -2, 3.25, 4, 5, 6])
        #expect(try Tensor([1, 2, 3] as [Int64]).toArray(Int64.self) == [1, 2, 3])
        #expect(try Tensor([true, false]).toArray(Bool.self) == [true, false])
        #expect(try Tensor([0.1, 0.2] as [Double]).to(.float16).to(.float32).toArray(Float.self)[0] == Float(Float16(0.1)))
        let bf = try Tensor([1.0, 3.0] as [Float]).to(.bfloat16)
        #expect(bf.dtype == .bfloat16)
        #expect(try bf.floats() == [1, 3])
        #expect(try Tensor(scalar: Float(2.5)).item() == 2.5)
        #expect(f.device == .cpu)
    }

    @Test func badShapesAreErrorsWithLibtorchsMessage() throws {
        let a = try Tensor.ones([2, 3]), b = try Tensor.ones([4, 5])
        do {
            _ = try a.matmul(b)
            Issue.record("matmul of 2x3 and 4x5 did not throw")
        } catch let e as TorchError {
            #expect(e.message.contains("mat1 and mat2 shapes cannot be multiplied"), "\(e.message)")
            #expect(!e.message.contains("Exception raised from"), "the C++ backtrace is stripped: \(e.message)")
        }
        #expect(throws: TorchError.self) { try a + b }
        #expect(throws: TorchError.self) { try a.reshape([7]) }
        #expect(throws: TorchError.self) { try Tensor([1, 2, 3] as [Float], shape: [2, 2]) }
        #expect(throws: TorchError.self) { try a.toArray(Int64.self) }
        #expect(throws: TorchError.self) { try Functional.conv2d(a, weight: b, bias: nil) }
        #expect(throws: TorchError.self) { try a.select(dim: 0, index: 5) }
        #expect(throws: TorchError.self) { try Torch.cat([]) }
        // The engine still works after errors.
        #expect(try (a + a).sum().item() == 12)
    }

    @Test func autogradAndNoGradScope() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requiresGrad(true)
        let y = try (x * x).sum()
        try y.backward()
        #expect(try x.grad!.toArray(Float.self) == [2, 4, 6])
        try x.zeroGrad()
        #expect(x.grad == nil)
        let z = try Torch.noGrad { try x * 2.0 }
        #expect(!z.requiresGrad)
        #expect(Torch.isGradEnabled)
        #expect(throws: TorchError.self) { try Tensor.ones([2]).backward() }  // not a scalar, no grad_fn
    }

    @Test func manualSeedReproducesRandomTensors() throws {
        try Torch.manualSeed(7)
        let a = try Tensor.randn([5]).toArray(Float.self)
        try Torch.manualSeed(7)
        let b = try Tensor.randn([5]).toArray(Float.self)
        #expect(a == b)
        #expect(try Tensor.randn([5]).toArray(Float.self) != b)
    }

    @Test func threadsDefaultToCoreCount() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if ProcessInfo.processInfo.environment["TAKESENSE_THREADS"] == nil {
            #expect(Torch.threads == cores)
        }
        #expect(throws: TorchError.self) { try Torch.setThreads(0) }
    }

    static func residentBytes() -> Int {
        // procfs reports size 0, so read it as a stream.
        let statm = FileHandle(forReadingAtPath: "/proc/self/statm").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        let fields = statm.split(separator: " ")
        let pages = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Tensors are released when their last Swift reference goes: 100,000 of them (4 KB each, 400 MB
    /// if leaked) leave resident memory flat.
    @Test func droppingTensorsKeepsMemoryFlat() throws {
        func churn(_ n: Int) throws {
            for i in 0..<n {
                let t = try Tensor.full([1024], Double(i))
                let u = try t * 2.0
                _ = u.count
            }
        }
        try churn(2_000)  // warm up allocator caches
        let before = Self.residentBytes()
        #expect(before > 1 << 20, "resident memory is readable")
        try churn(100_000)
        let growth = Self.residentBytes() - before
        #expect(growth < 32 << 20, "resident memory grew by \(growth >> 20) MB over 100,000 tensors")
    }
}
