import Foundation

/// Special functions behind the p-values of this module: log-gamma, log-beta, the regularised
/// incomplete gamma functions P(a, x) and Q(a, x) and the regularised incomplete beta function.
///
/// Conventions follow `scipy.special` (`gammaln`, `gammainc`, `gammaincc`, `betainc`, `betaincc`):
/// arguments outside the domain give NaN, never a trap. Accuracy is a few units in the last
/// place in the bulk and about 1e-13 relative in the far tails (down to the smallest normal
/// double), which is what the module's scipy fixtures check at 1e-9.
///
/// Algorithms: series + Lentz continued fraction for the incomplete gamma function (Numerical
/// Recipes `gser`/`gcf`, Cephes `igam`/`igamc` switching rule), Lentz continued fraction for the
/// incomplete beta function (Numerical Recipes `betacf`, with the symmetry switch so that the
/// smaller tail is always the one summed). The prefactors `x^a e^-x / Γ(a)` and
/// `x^a (1-x)^b / B(a, b)` are computed, for large parameters, through Stirling's series and
/// `log1p(d) - d` so that the huge, nearly cancelling logarithms never appear.
public enum SpecialFunctions {
    // MARK: Constants

    /// log(sqrt(2π)).
    static let logSqrtTwoPi = 0.9189385332046728

    /// Taylor coefficients of lnΓ(2 + u) = Σ_{k≥1} c_k u^k: c_1 = 1 - γ,
    /// c_k = (-1)^k (ζ(k) - 1) / k (computed with mpmath, 40 digits). Used for |u| ≤ 0.5.
    static let logGammaAround2: [Double] = [
        0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
        -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425,
        -0.00022315475845357939, 9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
        -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
        -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
        -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
        -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
        -6.4229645638381e-11, 3.1044247747322276e-11,
    ]

    /// B_{2k} / (2k (2k - 1)), k = 1...10: the coefficients of Stirling's series.
    static let stirlingCoefficients: [Double] = [
        0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953,
        0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242,
        0.17964437236883057, -1.3924322169059011,
    ]

    /// Below this argument Stirling's series is not used.
    static let stirlingThreshold = 10.0

    static let maxIterations = 1_000_000
    static let epsilon = Double.ulpOfOne
    static let tiny = 1e-300

    // MARK: Log-gamma and log-beta

    /// Natural logarithm of |Γ(x)|, like `scipy.special.gammaln`.
    ///
    /// +∞ at 0 and the negative integers, NaN for NaN. Relative accuracy is kept near the zeros
    /// at x = 1 and x = 2 (Taylor series around 2) and for large x (Stirling's series).
    public static func logGamma(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x.isInfinite { return .infinity }
        if x <= 0 {
            if x == x.rounded(.down) { return .infinity }
            // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
            return log(Double.pi / abs(sinPi(x))) - logGamma(1 - x)
        }
        if x < 0.5 {
            return logGamma(x + 1) - log(x)
        }
        if x < 1.5 {
            let u = x - 1  // exact
            return logGammaSeries2(u) - log1p(u)
        }
        if x <= 2.5 {
            return logGammaSeries2(x - 2)
        }
        if x < 12 {
            var y = x
            var product = 1.0
            while y > 2.5 {
                y -= 1  // exact
                product *= y
            }
            return logGammaSeries2(y - 2) + log(product)
        }
        return (x - 0.5) * log(x) - x + logSqrtTwoPi + stirlingCorrection(x)
    }

    /// Natural logarithm of the beta function B(a, b) = Γ(a)Γ(b)/Γ(a+b) for a, b > 0.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN || a <= 0 || b <= 0 { return .nan }
        let p = min(a, b), q = max(a, b), s = a + b
        if p >= stirlingThreshold {
            // (a-½)ln(a/s) + (b-½)ln(b/s) - ½ln s + ln√(2π) + c(a) + c(b) - c(s)
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(s)
            return -0.5 * log(s) + (p - 0.5) * log1p(-q / s) + (q - 0.5) * log1p(-p / s)
                + logSqrtTwoPi + correction
        }
        if q >= stirlingThreshold {
            // lnΓ(q) - lnΓ(q + p) without the cancellation of two large numbers.
            let difference = -(q - 0.5) * log1p(p / q) - p * log(s) + p
                + stirlingCorrection(q) - stirlingCorrection(s)
            return logGamma(p) + difference
        }
        return logGamma(a) + logGamma(b) - logGamma(s)
    }

    /// Stirling's correction c(x) = lnΓ(x) - [(x - ½) ln x - x + ln√(2π)] for x ≥ 10.
    static func stirlingCorrection(_ x: Double) -> Double {
        if x > 1e17 { return 1 / (12 * x) }
        let z = 1 / (x * x)
        var sum = 0.0
        for c in stirlingCoefficients.reversed() {
            sum = sum * z + c
        }
        return sum / x
    }

    /// lnΓ(2 + u) for |u| ≤ 0.5 from its Taylor series.
    static func logGammaSeries2(_ u: Double) -> Double {
        var sum = 0.0
        for c in logGammaAround2.reversed() {
            sum = sum * u + c
        }
        return sum * u
    }

    /// sin(πx) with exact argument reduction.
    static func sinPi(_ x: Double) -> Double {
        let n = (2 * x).rounded()  // x = n/2 + f, |f| ≤ 1/4
        let f = x - n / 2
        let quadrant = Int(n.truncatingRemainder(dividingBy: 4))
        switch (quadrant + 4) % 4 {
        case 0: return sin(Double.pi * f)
        case 1: return cos(Double.pi * f)
        case 2: return -sin(Double.pi * f)
        default: return -cos(Double.pi * f)
        }
    }

    /// log(1 + d) - d, accurate for small |d| (d > -1).
    static func log1pmx(_ d: Double) -> Double {
        if abs(d) < 0.5 {
            // -d²/2 + d³/3 - d⁴/4 + ...
            var power = d * d
            var sum = -power / 2
            var k = 3.0
            while true {
                power *= -d
                let term = -power / k
                sum += term
                if abs(term) <= abs(sum) * epsilon * 0.5 || k > 200 { break }
                k += 1
            }
            return sum
        }
        return log1p(d) - d
    }

    // MARK: Incomplete gamma

    /// Regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), like
    /// `scipy.special.gammainc`. NaN for a < 0, x < 0 or NaN arguments; P(0, x > 0) = 1.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        incompleteGamma(a, x).p
    }

    /// Regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) = 1 - P(a, x), like
    /// `scipy.special.gammaincc` (Cephes `igamc`). Accurate in the upper tail (tiny Q).
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        incompleteGamma(a, x).q
    }

    /// (P, Q), each computed directly where it is the smaller one.
    static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        if a.isNaN || x.isNaN || a < 0 || x < 0 || a.isInfinite { return (.nan, .nan) }
        if a == 0 {
            return x > 0 ? (1, 0) : (.nan, .nan)
        }
        if x == 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        if x > 1 && x > a {
            let q = gammaQContinuedFraction(a, x)
            return (1 - q, q)
        }
        let p = gammaPSeries(a, x)
        return (p, 1 - p)
    }

    /// x^a e^{-x} / Γ(a).
    static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        if a >= stirlingThreshold {
            // a ln x - x - lnΓ(a) = a·[ln(1+d) - d] + ½ ln(a/2π) - c(a), d = (x - a)/a.
            let d = (x - a) / a
            let main = abs(d) < 0.5 ? a * log1pmx(d) : a * log(x / a) - (x - a)
            return exp(main + 0.5 * log(a) - logSqrtTwoPi - stirlingCorrection(a))
        }
        return exp(a * log(x) - x - logGamma(a))
    }

    /// P(a, x) from the series Σ x^n / (a (a+1) ... (a+n)), for x ≤ max(1, a).
    static func gammaPSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var term = 1 / a
        var sum = term
        for _ in 0..<maxIterations {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum * gammaPrefactor(a, x)
    }

    /// Q(a, x) from its Legendre continued fraction (modified Lentz), for x > max(1, a).
    static func gammaQContinuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        for _ in 0..<maxIterations {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
            i += 1
        }
        return h * gammaPrefactor(a, x)
    }

    // MARK: Incomplete beta

    /// Regularised incomplete beta function I_x(a, b), like `scipy.special.betainc`.
    /// NaN outside a > 0, b > 0, 0 ≤ x ≤ 1.
    public static func regularizedIncompleteBeta(_ a: Double, _ b: Double, x: Double) -> Double {
        if x.isNaN || x < 0 || x > 1 { return .nan }
        return incompleteBeta(a, b, x: x, y: 1 - x).value
    }

    /// Complement 1 - I_x(a, b) = I_{1-x}(b, a), like `scipy.special.betaincc`; accurate when it is
    /// tiny (x near 1), because it is then summed directly rather than obtained by subtraction.
    public static func complementedRegularizedIncompleteBeta(_ a: Double, _ b: Double, x: Double) -> Double {
        if x.isNaN || x < 0 || x > 1 { return .nan }
        return incompleteBeta(a, b, x: x, y: 1 - x).complement
    }

    /// (I_x(a,b), 1 - I_x(a,b)) given x and y = 1 - x (both passed so neither is rounded twice).
    static func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> (value: Double, complement: Double) {
        if a.isNaN || b.isNaN || x.isNaN || y.isNaN || a <= 0 || b <= 0 || a.isInfinite || b.isInfinite {
            return (.nan, .nan)
        }
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let v = betaPrefactor(a, b, x: x, y: y) * betaContinuedFraction(a, b, x: x, y: y) / a
            return (v, 1 - v)
        }
        let w = betaPrefactor(b, a, x: y, y: x) * betaContinuedFraction(b, a, x: y, y: x) / b
        return (1 - w, w)
    }

    /// x^a y^b / B(a, b), with y = 1 - x.
    static func betaPrefactor(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        if min(a, b) >= stirlingThreshold {
            // a ln(xs/a) + b ln(ys/b) + ½ ln(ab/s) - ln√(2π) - [c(a) + c(b) - c(s)], s = a + b,
            // with the first two terms rewritten as a·[ln(1+dx) - dx] + b·[ln(1+dy) - dy],
            // dx = (xb - ya)/a, dy = -(xb - ya)/b (the linear parts cancel exactly).
            let s = a + b
            let delta = x * b - y * a
            let dx = delta / a
            let dy = -delta / b
            let termA = abs(dx) < 0.5 ? a * log1pmx(dx) : a * (log(x * (s / a)) - dx)
            let termB = abs(dy) < 0.5 ? b * log1pmx(dy) : b * (log(y * (s / b)) - dy)
            let correction = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s)
            return exp(termA + termB + 0.5 * (log(a) + log(b) - log(s)) - logSqrtTwoPi - correction)
        }
        return exp(a * log(x) + b * log(y) - logBeta(a, b))
    }

    /// Continued fraction for I_x(a, b) (Numerical Recipes `betacf`, modified Lentz).
    static func betaContinuedFraction(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        var m = 1.0
        for _ in 0..<maxIterations {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
            m += 1
        }
        return h
    }
}

// MARK: - Distributions

/// Survival function of the chi-square distribution, Q(dof/2, x/2) — `scipy.special.chdtrc(dof, x)`,
/// which is what `scipy.stats.chi2_contingency` uses for its p-value.
///
/// `chi2SF(0, dof) == 1`; like `chdtrc`, a negative `x`, a non-positive `dof` or NaN give NaN.
/// Tiny tail values (down to ~1e-308) keep about 1e-13 relative accuracy.
public func chi2SF(_ x: Double, dof: Double) -> Double {
    if x.isNaN || dof.isNaN || x < 0 || dof <= 0 { return .nan }
    return SpecialFunctions.regularizedGammaQ(dof / 2, x / 2)
}

/// Cumulative distribution function of the chi-square distribution, P(dof/2, x/2)
/// (`scipy.special.chdtr`). Same domain rules as ``chi2SF(_:dof:)``.
public func chi2CDF(_ x: Double, dof: Double) -> Double {
    if x.isNaN || dof.isNaN || x < 0 || dof <= 0 { return .nan }
    return SpecialFunctions.regularizedGammaP(dof / 2, x / 2)
}
