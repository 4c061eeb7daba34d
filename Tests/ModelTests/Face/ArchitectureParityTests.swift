import FaceEmotion
import Foundation
import Testing
import Torch

/// torchvision parity for every face architecture: identical state-dict keys and shapes in the same
/// order, and identical eval-mode outputs with deterministic weights (Scripts/make_face_fixtures.py).
@Suite(.serialized) struct ArchitectureParityTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/face")

    static func build(_ name: String, inputChannels: Int = 3) throws -> any UnaryLayer {
        try FaceArchitecture(name: name).build(classes: 6, inputChannels: inputChannels)
    }

    @Test func stateDictKeysAndShapesMatchTorchvision() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("torchvision_keys.json"))
        let reference = try JSONSerialization.jsonObject(with: data) as! [String: [[Any]]]
        #expect(reference.count == 18)
        for (name, entries) in reference.sorted(by: { $0.key < $1.key }) {
            let model = try Self.build(name)
            let ours = model.stateDict().map { "\($0.key) \($0.tensor.shape)" }
            let theirs = entries.map { "\($0[0] as! String) \(($0[1] as! [Int]))" }
            #expect(ours == theirs, "\(name): first difference at \(Array(zip(ours, theirs)).firstIndex { $0.0 != $0.1 } ?? min(ours.count, theirs.count))")
        }
    }

    /// The stem and head shapes a model file is checked against before its network is built are torchvision's.
    @Test func signaturesMatchTorchvisionStateDicts() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("torchvision_keys.json"))
        let reference = try JSONSerialization.jsonObject(with: data) as! [String: [[Any]]]
        for (name, entries) in reference {
            let shapes = Dictionary(uniqueKeysWithValues: entries.map { ($0[0] as! String, $0[1] as! [Int]) })
            let signature = try FaceArchitecture(name: name).signature(classes: 6, inputChannels: 3)
            #expect(signature.count == 2)
            for (key, shape) in signature { #expect(shapes[key] == shape, "\(name): \(key) \(shape) vs torchvision \(shapes[key] ?? [])") }
        }
        for width in [12, 20, 64] {
            let net = try FaceArchitecture(name: "fernet-\(width)").build(classes: 6, inputChannels: 1)
            let shapes = Dictionary(uniqueKeysWithValues: net.stateDict().map { ($0.key, $0.tensor.shape) })
            for (key, shape) in FaceArchitecture.ferNet(width: width).signature(classes: 6, inputChannels: 1) { #expect(shapes[key] == shape) }
        }
    }

    /// The weights formula of Scripts/make_face_fixtures.py.
    static func setDeterministic(_ model: Module) throws {
        try Torch.noGrad {
            for (k, (name, t)) in model.stateDict().enumerated() {
                if t.dtype == .int64 { try t.fill(0); continue }
                let s = try (Tensor.arange(0, Double(t.count), dtype: .float64) * 0.011 + 0.37 * Double(k)).sin().reshape(t.shape)
                let leaf = name.split(separator: ".").last!
                let v: Tensor
                if leaf == "running_mean" { v = try s * 0.1 }
                else if leaf == "running_var" { v = try (s + 1.0) * 0.25 + 1.0 }
                else if t.rank == 1 && leaf == "weight" { v = try s * 0.1 + 1.0 }
                else if t.rank == 1 { v = try s * 0.1 }
                else { v = try s * (0.5 / Double(t.count / t.size(0)).squareRoot()) }
                try t.copy(from: v.to(t.dtype))
            }
        }
    }

    @Test(arguments: ["resnet18", "resnet50", "vgg11", "vgg11_bn", "efficientnet_b0", "efficientnet_b5"])
    func outputsMatchTorchvision(_ name: String) throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("torchvision_outputs.json"))
        let reference = (try JSONSerialization.jsonObject(with: data) as! [String: [Double]])[name]!
        let model = try Self.build(name)
        try Self.setDeterministic(model)
        model.eval()
        let x = try (Tensor.arange(0, Double(2 * 3 * 64 * 64), dtype: .float64) * 0.05).sin().reshape([2, 3, 64, 64]).to(.float32)
        let y = try Torch.noGrad { try model(x) }
        #expect(y.shape == [2, 6])
        let ours = try y.to(.float64).toArray(Double.self)
        let scale = reference.map { Swift.abs($0) }.max()!
        for (a, b) in zip(ours, reference) {
            #expect(Swift.abs(a - b) <= 1e-4 * Swift.max(scale, 1), "\(name): \(a) vs torchvision \(b)")
        }
    }

    @Test func grayscaleStemAndSmallInputs() throws {
        let model = try Self.build("resnet18", inputChannels: 1)
        model.eval()
        let y = try Torch.noGrad { try model(Tensor.rand([3, 1, 48, 48])) }
        #expect(y.shape == [3, 6])
        let fer = try Self.build("fernet-16", inputChannels: 1)
        #expect(try fer(Tensor.rand([2, 1, 40, 40])).shape == [2, 6])
        #expect(throws: TorchError.self) { try FaceArchitecture(name: "alexnet") }
    }
}
