/// What a matrix product does with each output element before storing it.
///
/// Fusing these steps into the product's store saves a full pass over the
/// output: the forward pass of a dense layer is `Y = act(X·W + b)` and the
/// backward pass through a ReLU is `dH = (dZ·Wᵀ) ⊙ [H > 0]`.
public enum Epilogue {
    /// `C = A·B`.
    case none
    /// `C = A·B + b`, with `b` broadcast over rows (`b` has one value per column).
    case bias(UnsafePointer<Float>)
    /// `C = max(0, A·B + b)`.
    case biasReLU(UnsafePointer<Float>)
    /// `C = (A·B) ⊙ [H > 0]`: the gradient through a ReLU whose output is `H`
    /// (`H` has the same shape as `C`, with leading dimension `ldh`).
    case reluMask(UnsafePointer<Float>, ldh: Int)
}

extension Epilogue {
    /// The epilogue for the rows from `rows` on (the ReLU mask's rows move
    /// with them; the others do not depend on the row).
    @inlinable
    public func droppingRows(_ rows: Int) -> Epilogue {
        if case .reluMask(let h, let ldh) = self { return .reluMask(h + rows * ldh, ldh: ldh) }
        return self
    }
}

extension Kernels {
    /// Applies `epilogue` to the `m×n` matrix `C` in place, as a product's
    /// store would have (for a product computed without it).
    @inlinable
    public static func apply(_ epilogue: Epilogue, m: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        applyEpilogue(epilogue, rows: m, width: n, c: c, ldc: ldc, row: 0, column: 0)
    }
}
