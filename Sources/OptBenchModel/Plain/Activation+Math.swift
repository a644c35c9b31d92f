import Foundation

extension Activation {
    /// `√(2/π)`, the slope of the tanh approximation of GELU.
    static let geluTanhScale: Float = 0.7978845608028654
    /// The cubic coefficient of the tanh approximation of GELU.
    static let geluCubic: Float = 0.044715
    /// `1/√2`: `Φ(x) = ½·(1 + erf(x/√2))`.
    static let inverseSquareRootOfTwo: Float = 0.7071067811865476
    /// `1/√(2π)`: the standard normal density is `φ(x) = e^(−x²/2)/√(2π)`.
    static let inverseSquareRootOfTwoPi: Float = 0.3989422804014327

    /// The activation of the pre-activation `x`, in `Float`.
    ///
    /// - ``relu``: `max(0, x)`; NaN stays NaN.
    /// - ``tanh``: `tanh(x)`, which saturates at ±1 for |x| ≳ 9 (its
    ///   derivative then rounds to 0: a saturated unit stops learning).
    /// - ``sigmoid``: `1/(1 + e^(−x))` for `x ≥ 0` and `eˣ/(1 + eˣ)` for
    ///   `x < 0`, so that `e^(−x)` never overflows to ∞ for a large negative
    ///   `x` (the quotient would still be 0, but the second form also keeps the
    ///   tiny values instead of flushing them, as TensorFlow's `sigmoid` does).
    /// - ``gelu``: `x·½·(1 + erf(x/√2))` with the C library's `erff`. For
    ///   `x ≲ −5.5`, `1 + erf` cancels to a few ulps of 1, so the (tiny)
    ///   result has a large relative error; it is 0 below about −10, as in
    ///   Keras, which computes the same formula.
    /// - ``geluApproximate``: `½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    ///   The cube overflows to ∞ only for |x| > 1.9·10¹³, where tanh is ±1
    ///   anyway and the result is `x` or `−0`.
    /// - ``linear``, ``softmax``: `x` (the softmax of a row is the loss's job).
    public func value(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : (x.isNaN ? x : 0)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid:
            if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
            let e = Foundation.exp(x)
            return e / (1 + e)
        case .gelu: return x * 0.5 * (1 + Foundation.erf(x * Self.inverseSquareRootOfTwo))
        case .geluApproximate:
            let inner = Self.geluTanhScale * (x + Self.geluCubic * x * x * x)
            return 0.5 * x * (1 + Foundation.tanh(inner))
        case .linear, .softmax: return x
        }
    }

    /// `act′(x)`, from the pre-activation `x` and the output `y = act(x)`
    /// (whichever each formula needs: tanh and sigmoid use `y`, as
    /// TensorFlow's gradients do, which avoids a second `exp`).
    ///
    /// - ``relu``: `[x > 0]`, so 0 at the kink `x = 0`, as TensorFlow's.
    /// - ``tanh``: `1 − y²`; 0 once `y` rounds to ±1.
    /// - ``sigmoid``: `y·(1 − y)`; for large |x| it underflows to 0 before the
    ///   true value does (`1 − y` rounds to 0 for `x ≳ 17`).
    /// - ``gelu``: `Φ(x) + x·φ(x)` with `φ(x) = e^(−x²/2)/√(2π)`.
    /// - ``geluApproximate``: with `u = √(2/π)·(x + 0.044715·x³)` and
    ///   `t = tanh(u)`: `½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)`;
    ///   once `t` rounds to ±1 only the first term is kept (for |x| beyond
    ///   `√Float.greatestFiniteMagnitude`, `x²` overflows and `0·∞` would be NaN).
    /// - ``linear``, ``softmax``: 1 (the softmax's Jacobian is folded into the
    ///   loss's gradient, `p − onehot(y)`).
    public func derivative(preActivation x: Float, output y: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .gelu:
            let cdf = 0.5 * (1 + Foundation.erf(x * Self.inverseSquareRootOfTwo))
            return cdf + x * Self.inverseSquareRootOfTwoPi * Foundation.exp(-0.5 * x * x)
        case .geluApproximate:
            let inner = Self.geluTanhScale * (x + Self.geluCubic * x * x * x)
            let t = Foundation.tanh(inner)
            let slope = 1 - t * t
            // Saturated: the second term is 0 (and would be 0·∞ = NaN once x² overflows).
            guard slope != 0 else { return 0.5 * (1 + t) }
            return 0.5 * (1 + t) + 0.5 * x * slope * Self.geluTanhScale * (1 + 3 * Self.geluCubic * x * x)
        case .linear, .softmax: return 1
        }
    }

    /// ``value(_:)`` in `Double`: the reference that tests compare the `Float`
    /// forms and finite differences with.
    public func value(_ x: Double) -> Double {
        switch self {
        case .relu: return max(0, x)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .gelu: return x * 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot()))
        case .geluApproximate:
            return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .linear, .softmax: return x
        }
    }
}
