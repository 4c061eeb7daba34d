import FaceEmotion
import Foundation
import Torch
import VoiceEmotion

/// `takesense bench engine`: ResNet34, a Whisper-tiny-shaped encoder and CNN training steps, each row
/// timed in alternating rounds against the same work in Debian's python3-torch (Scripts/bench_engine.py);
/// the table keeps each side's best round, so noise from other work on the machine hits both alike.
public struct EngineBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Each row is timed in alternating rounds (Swift, then the same work in Debian's python3-torch), \
    each round the median of at least 5 runs; the table keeps each side's best round, so noise from \
    other work on the machine hits both sides alike.
    """

    /// Python with python3-torch, and the reference script; nil = Swift timings only.
    public var python: String? = "/usr/bin/python3"
    public var script = "Scripts/bench_engine.py"
    public var rounds = 3
    /// Only rows whose name contains this text (e.g. bf16, fernet).
    public var only: String?

    public init(python: String? = "/usr/bin/python3", script: String = "Scripts/bench_engine.py", rounds: Int = 3, only: String? = nil) {
        self.python = python
        self.script = script
        self.rounds = rounds
        self.only = only
    }

    public func run() throws -> BenchReport {
        try Torch.manualSeed(0)
        var work: [(String, Bool, () throws -> Void)] = []
        let resnet = try ResNet(.resnet34).eval()
        for (batch, size) in [(1, 224), (16, 224), (1, 96), (16, 96)] {
            let x = try Tensor.randn([batch, 3, size, size])
            work.append(("resnet34 forward b\(batch) 3x\(size)x\(size)", true, { _ = try resnet(x) }))
        }
        let encoder = try WhisperEncoder(.tiny).eval()
        for frames in [1500, 500] {
            let mel = try Tensor.randn([1, 80, frames * 2])
            work.append(("whisper-tiny encoder forward \(frames) frames", true, { _ = try encoder(mel) }))
        }
        let cnn = try smallCNN().train()
        let optimizer = try Optimizer.adam(cnn.parameters, lr: 1e-3)
        let x = try Tensor.randn([64, 1, 48, 48]), y = try Tensor.randint(0, 6, [64])
        work.append(("small CNN train step b64 1x48x48", false, {
            try optimizer.zeroGrad()
            try Functional.crossEntropy(cnn(x), target: y).backward()
            try optimizer.step()
        }))

        work += try bfloat16Rows()
        if let only { work = work.filter { $0.0.contains(only) } }

        let reference = try python.map { try PythonReference(python: $0, script: script) }
        var report = BenchReport()
        report.note("Machine: \(machineCores()), libtorch \(Torch.version), \(Torch.threads) threads, "
                    + "OMP_WAIT_POLICY=\(ompWaitPolicy()), best of \(rounds) alternating rounds")
        // bf16 rows depend on the CPU: oneDNN uses AMX tiles where the CPU has them, AVX-512 BF16 otherwise.
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        report.note("bfloat16 support: avx512_bf16 \(flags.contains("avx512_bf16") ? "yes" : "no"), amx_bf16 \(flags.contains("amx_bf16") ? "yes" : "no")")
        var table = MarkdownTable(["row", "Swift (ms)", "python3-torch (ms)", "Swift/Python"], alignment: "lrrr")
        for (name, inference, body) in work {
            var ours = Double.infinity, theirs = Double.infinity
            for _ in 0..<max(1, rounds) {
                let ms = inference ? try Torch.noGrad { try medianMilliseconds(body) } : try medianMilliseconds(body)
                ours = min(ours, ms)
                if let reference { theirs = min(theirs, try reference.time(name)) }
            }
            table.append(reference != nil ? [name, f1(ours), f1(theirs), f2(ours / theirs)] : [name, f1(ours), "-", "-"])
        }
        report.add(table)
        return report
    }
}

/// The training-step benchmark's CNN for 1x48x48 faces (same layers as the Python reference).
func smallCNN() throws -> Sequential {
    func block(_ i: Int, _ o: Int) throws -> [any UnaryLayer] {
        [try Conv2d(i, o, kernelSize: 3, padding: 1, bias: false), try BatchNorm2d(o), ReLU(), MaxPool2d(kernelSize: 2)]
    }
    return Sequential(try block(1, 32) + block(32, 64) + block(64, 128) + [Flatten(), try Linear(128 * 6 * 6, 6)])
}

/// bfloat16 rows (same names and work as Scripts/bench_engine.py): single 3x3 convolutions, forward and
/// backward, and FERNet training steps (SGD with Nesterov momentum), each in fp32, under bf16 autocast,
/// and under bf16 autocast with channels-last activations and weights. Which shapes gain from bf16 (and
/// which fall onto slow oneDNN paths) is what chooses the face architecture.
func bfloat16Rows() throws -> [(String, Bool, () throws -> Void)] {
    var work: [(String, Bool, () throws -> Void)] = []
    let precisions: [(DType?, Bool)] = [(nil, false), (.bfloat16, false), (.bfloat16, true)]
    func variant(_ p: DType?, _ cl: Bool) -> String { (p == nil ? "fp32" : "bf16") + (cl ? " channels-last" : "") }
    for (c, hw) in [(32, 48), (64, 24), (128, 12)] {
        for (precision, cl) in precisions {
            let conv = try Conv2d(c, c, kernelSize: 3, padding: 1, bias: false)
            if cl { try conv.convertToChannelsLast() }
            let x = try Tensor.randn([64, c, hw, hw]).contiguous(channelsLast: cl).requiresGrad(true)
            work.append(("conv3x3 \(c)ch \(hw)x\(hw) b64 fwd+bwd \(variant(precision, cl))", false, {
                try conv.weight.zeroGrad()
                try x.zeroGrad()
                try Torch.withOptionalAutocast(precision) { try conv(x) }.to(.float32).sum().backward()
            }))
        }
    }
    for width in [20, 24, 32] {
        for (precision, cl) in precisions {
            let net = try FERNet(width: width, classes: 6)
            net.train()
            if cl { try net.convertToChannelsLast() }
            let optimizer = try Optimizer.sgd(net.parameters, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, nesterov: true)
            let x = try Tensor.randn([64, 1, 40, 40]).contiguous(channelsLast: cl), y = try Tensor.randint(0, 6, [64])
            work.append(("fernet-\(width) train step b64 1x40x40 \(variant(precision, cl))", false, {
                try optimizer.zeroGrad()
                let logits = try Torch.withOptionalAutocast(precision) { try net(x) }.to(.float32)
                try Functional.crossEntropy(logits, target: y).backward()
                try optimizer.step()
            }))
        }
    }
    return work
}

/// The Python reference as a long-lived process answering one timing request per line.
final class PythonReference {
    let process = Process()
    let input = Pipe(), output = Pipe()
    var buffer = Data()

    init(python: String, script: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        var env = ProcessInfo.processInfo.environment
        env["TAKESENSE_THREADS"] = String(Torch.threads)
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { throw BenchError("\(python): cannot run the Python reference (\(error.localizedDescription))") }
        _ = try line()  // the header with its row names
    }

    func line() throws -> [String: Any] {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let data = buffer[..<nl]
                buffer.removeSubrange(...nl)
                guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw BenchError("the Python reference answered something unreadable")
                }
                return json
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("the Python reference stopped (exit \(process.isRunning ? 0 : process.terminationStatus))") }
            buffer.append(chunk)
        }
    }

    func time(_ row: String) throws -> Double {
        input.fileHandleForWriting.write(Data((row + "\n").utf8))
        guard let ms = try line()["ms"] as? Double else { throw BenchError("the Python reference gave no time for '\(row)'") }
        return ms
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

