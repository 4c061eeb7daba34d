import CTorch
import Foundation

extension Torch {
    /// libtorch's version string (e.g. "1.13.0" for Debian's 1.13.1 build).
    public static var version: String { String(cString: ts_version()) }

    /// libtorch's build configuration, as `torch.__config__.show()`.
    public static var buildConfiguration: String {
        guard let s = ts_build_config() else { return "" }
        defer { ts_free_string(s) }
        return String(cString: s)
    }

    /// Intra-op threads. CTorch sets this to the number of cores (or `TAKESENSE_THREADS`) when it loads,
    /// because libtorch would otherwise use one thread on small machines.
    public static var threads: Int { Int(ts_get_num_threads()) }

    public static func setThreads(_ n: Int) throws { try check(ts_set_num_threads(Int32(n))) }

    /// Seeds libtorch's global generator (and so parameter initialisation, dropout, `rand`).
    public static func manualSeed(_ seed: UInt64) throws { try check(ts_manual_seed(seed)) }

    public static var cudaAvailable: Bool { ts_cuda_is_available() == 1 }

    /// Whether operations on this thread record gradients.
    public static var isGradEnabled: Bool { ts_is_grad_enabled() == 1 }

    /// Runs `body` without recording gradients (PyTorch's `torch.no_grad()`), restoring the previous mode.
    public static func noGrad<R>(_ body: () throws -> R) rethrows -> R {
        let previous = ts_set_grad_enabled(0)
        defer { _ = ts_set_grad_enabled(previous) }
        return try body()
    }

    /// Runs `body` with gradient recording on (inside a `noGrad` scope, for example).
    public static func withGrad<R>(_ body: () throws -> R) rethrows -> R {
        let previous = ts_set_grad_enabled(1)
        defer { _ = ts_set_grad_enabled(previous) }
        return try body()
    }
}
