import Foundation
import Torch

/// Ways video degrades a face crop, applied to grayscale faces (N, 1, H, W) in [0, 1]: what the
/// robustness table of the model card measures (`takesense evaluate face --robustness`).
public enum FaceDegradation: Sendable, Equatable, CustomStringConvertible {
    /// JPEG-like blocking: 8x8 DCT of each block, quantised with the JPEG standard's luminance table
    /// scaled for `quality` (1–100, the IJG formula), then the inverse DCT. This is exactly what a JPEG
    /// encoder discards for a grayscale image (entropy coding is lossless); H.264 at low bit rates blocks
    /// in the same way on 4x4/8x8 transforms.
    case jpeg(quality: Int)
    /// Gaussian blur (defocus) with standard deviation `sigma` pixels.
    case gaussianBlur(sigma: Double)
    /// Horizontal motion blur: a box of `length` pixels.
    case motionBlur(length: Int)
    /// Down-sampling to `side` pixels and back (a small face in a low-resolution frame).
    case downUp(side: Int)
    /// Gamma curve: pixel^gamma (< 1 brightens shadows, > 1 darkens, as under- or over-exposed video).
    case gamma(Double)

    public var description: String {
        switch self {
        case .jpeg(let q): return "JPEG-like quality \(q)"
        case .gaussianBlur(let s): return "Gaussian blur sigma \(s) px"
        case .motionBlur(let l): return "motion blur \(l) px"
        case .downUp(let s): return "down to \(s) px and up"
        case .gamma(let g): return "gamma \(g)"
        }
    }

    /// The card's set: two strengths of each.
    public static let standardSet: [FaceDegradation] = [
        .jpeg(quality: 50), .jpeg(quality: 20), .jpeg(quality: 10),
        .gaussianBlur(sigma: 1), .gaussianBlur(sigma: 2), .motionBlur(length: 5),
        .downUp(side: 24), .downUp(side: 16), .gamma(0.5), .gamma(2.0),
    ]

    /// The degraded faces, still in [0, 1] and rounded to 8-bit levels as a decoded frame would be.
    public func apply(_ gray: Tensor) throws -> Tensor {
        let y: Tensor
        switch self {
        case .jpeg(let q): y = try Self.jpeg(gray, quality: q)
        case .gaussianBlur(let sigma):
            let radius = max(1, Int((3 * sigma).rounded(.up)))
            let k = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
            y = try Self.separable(gray, kernel: k.map { $0 / k.reduce(0, +) }, vertical: true)
        case .motionBlur(let length):
            y = try Self.separable(gray, kernel: [Double](repeating: 1 / Double(length), count: length), vertical: false)
        case .downUp(let side):
            let h = gray.size(2), w = gray.size(3)
            let small = try Functional.interpolateBilinear(gray, size: (side, side), antialias: true)
            y = try Functional.interpolateBilinear(small, size: (h, w))
        case .gamma(let g): y = try gray.clamp(min: 0, max: 1).pow(g)
        }
        return try ((y * 255).round().clamp(min: 0, max: 255)) / 255
    }

    /// Convolution with a 1-D kernel along x (and along y too when `vertical`), edges replicated.
    static func separable(_ x: Tensor, kernel: [Double], vertical: Bool) throws -> Tensor {
        let r = kernel.count / 2, n = kernel.count
        var y = try x.pad([r, n - 1 - r, 0, 0], mode: .replicate)
        y = try Functional.conv2d(y, weight: Tensor(kernel.map(Float.init), shape: [1, 1, 1, n]), bias: nil)
        if vertical {
            y = try y.pad([0, 0, r, n - 1 - r], mode: .replicate)
            y = try Functional.conv2d(y, weight: Tensor(kernel.map(Float.init), shape: [1, 1, n, 1]), bias: nil)
        }
        return y
    }

    /// The JPEG standard's luminance quantisation table (ITU-T T.81, Annex K, Table K.1).
    static let luminanceTable: [Double] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// The table libjpeg uses at `quality` (jpeg_quality_scaling + jpeg_add_quant_table, baseline).
    static func quantisationTable(quality: Int) -> [Double] {
        let q = min(100, max(1, quality))
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return luminanceTable.map { min(255, max(1, ((Int($0) * scale + 50) / 100))) }.map(Double.init)
    }

    /// Orthonormal 8-point DCT-II matrix (JPEG's forward DCT).
    static let dctMatrix: [Float] = {
        var m = [Float]()
        for k in 0..<8 {
            let norm: Double = k == 0 ? (1.0 / 8).squareRoot() : (2.0 / 8).squareRoot()
            for i in 0..<8 {
                let angle = Double(2 * i + 1) * Double(k) * Double.pi / 16
                m.append(Float(norm * cos(angle)))
            }
        }
        return m
    }()

    /// JPEG's lossy steps on 8-bit levels: level shift by 128, 8x8 DCT, quantisation, dequantisation,
    /// inverse DCT. Sides that are not multiples of 8 are padded by edge replication, as encoders do.
    static func jpeg(_ gray: Tensor, quality: Int) throws -> Tensor {
        let n = gray.size(0), h = gray.size(2), w = gray.size(3)
        let ph = (8 - h % 8) % 8, pw = (8 - w % 8) % 8
        var x = try (gray * 255).round() - 128
        if ph > 0 || pw > 0 { x = try x.pad([0, pw, 0, ph], mode: .replicate) }
        let bh = (h + ph) / 8, bw = (w + pw) / 8
        // (N, 1, bh*8, bw*8) → (N, bh, bw, 8, 8) blocks.
        let blocks = try x.reshape([n, bh, 8, bw, 8]).permute([0, 1, 3, 2, 4])
        let d = try Tensor(dctMatrix, shape: [8, 8]), dt = try d.transpose(0, 1)
        let coefficients = try d.matmul(blocks).matmul(dt)
        let table = try Tensor(quantisationTable(quality: quality).map(Float.init), shape: [8, 8])
        let quantised = try (coefficients / table).round() * table
        let back = try dt.matmul(quantised).matmul(d)
        var out = try back.permute([0, 1, 3, 2, 4]).reshape([n, 1, bh * 8, bw * 8])
        if ph > 0 || pw > 0 { out = try out.slice(dim: 2, end: h).slice(dim: 3, end: w) }
        return try ((out + 128).clamp(min: 0, max: 255)) / 255
    }
}
