import ArgumentParser
import FaceEmotion
import Foundation
import Torch
import VoiceEmotion

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks against reference implementations, run in the same session; prints ratios.",
        subcommands: [EngineBench.self]
    )
}

/// Timing rule shared with Scripts/bench_engine.py: 2 warm-up runs, then repeat until 3 s or 20 runs
/// (at least 5); the median in milliseconds.
func medianMilliseconds(_ body: () throws -> Void) throws -> Double {
    for _ in 0..<2 { try body() }
    var times: [Double] = []
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    while times.count < 5 || (times.count < 20 && elapsed() < 3.0) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    times.sort()
    let n = times.count
    return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2
}

/// The training-step benchmark's CNN for 1x48x48 faces (same layers as the Python reference).
func smallCNN() throws -> Sequential {
    func block(_ i: Int, _ o: Int) throws -> [any UnaryLayer] {
        [try Conv2d(i, o, kernelSize: 3, padding: 1, bias: false), try BatchNorm2d(o), ReLU(), MaxPool2d(kernelSize: 2)]
    }
    return Sequential(try block(1, 32) + block(32, 64) + block(64, 128) + [Flatten(), try Linear(128 * 6 * 6, 6)])
}

struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "ResNet34, a Whisper-tiny-shaped encoder and a CNN training step, against python3-torch."
    )

    @OptionGroup var engine: EngineOptions
    @Option(help: "Python with Debian's python3-torch.") var python = "/usr/bin/python3"
    @Option(help: "The reference script.") var script = "Scripts/bench_engine.py"
    @Flag(help: "Skip the Python reference (Swift timings only).") var swiftOnly = false

    func run() throws {
        try engine.apply()
        try Torch.manualSeed(0)
        var rows: [(String, Double)] = []
        let resnet = try ResNet(.resnet34).eval()
        try Torch.noGrad {
            for (batch, size) in [(1, 224), (16, 224), (1, 96), (16, 96)] {
                let x = try Tensor.randn([batch, 3, size, size])
                rows.append(("resnet34 forward b\(batch) 3x\(size)x\(size)", try medianMilliseconds { _ = try resnet(x) }))
                FileHandle.standardError.write(Data("  \(rows.last!.0): \(String(format: "%.1f", rows.last!.1)) ms\n".utf8))
            }
            let encoder = try WhisperEncoder(.tiny).eval()
            for frames in [1500, 500] {
                let mel = try Tensor.randn([1, 80, frames * 2])
                rows.append(("whisper-tiny encoder forward \(frames) frames", try medianMilliseconds { _ = try encoder(mel) }))
                FileHandle.standardError.write(Data("  \(rows.last!.0): \(String(format: "%.1f", rows.last!.1)) ms\n".utf8))
            }
        }
        let cnn = try smallCNN().train()
        let optimizer = try Optimizer.adam(cnn.parameters, lr: 1e-3)
        let x = try Tensor.randn([64, 1, 48, 48]), y = try Tensor.randint(0, 6, [64])
        rows.append(("small CNN train step b64 1x48x48", try medianMilliseconds {
            try optimizer.zeroGrad()
            try Functional.crossEntropy(cnn(x), target: y).backward()
            try optimizer.step()
        }))

        var reference: [String: Double] = [:]
        if !swiftOnly {
            reference = try runReference()
        }
        print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, libtorch \(Torch.version), \(Torch.threads) threads")
        print("| row | Swift (ms) | python3-torch (ms) | Swift/Python |")
        print("|---|---:|---:|---:|")
        for (name, ms) in rows {
            if let ref = reference[name] {
                print("| \(name) | \(String(format: "%.1f", ms)) | \(String(format: "%.1f", ref)) | \(String(format: "%.2f", ms / ref)) |")
            } else {
                print("| \(name) | \(String(format: "%.1f", ms)) | - | - |")
            }
        }
    }

    func runReference() throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        var env = ProcessInfo.processInfo.environment
        env["TAKESENSE_THREADS"] = String(Torch.threads)
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch { throw Failure("\(python): cannot run the Python reference (\(error.localizedDescription))") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = json["rows"] as? [String: Double]
        else { throw Failure("\(script): the Python reference failed (exit \(process.terminationStatus))") }
        return rows
    }
}
