import Foundation

/// The pieces of Python's format mini-language that scikit-learn's
/// `classification_report` uses, reproduced exactly.
enum PythonFormat {
    /// Python's `'{:.{digits}f}'.format(x)`: fixed notation with `digits`
    /// decimals.
    ///
    /// Python rounds the exact binary value of `x` to the nearest decimal with
    /// `digits` decimals, ties to even (`0.125 → "0.12"`, `0.375 → "0.38"`;
    /// `0.005` is stored as 0.005000000000000000104… and gives `"0.01"`). C's
    /// `printf("%.*f")` in glibc and in Apple's libc rounds the same way, so it
    /// is used here. Not-a-number prints as `nan` and infinities as `inf` and
    /// `-inf`, as in Python.
    static func fixed(_ x: Double, digits: Int) -> String {
        precondition(digits >= 0, "digits must be non-negative")
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return String(format: "%.\(digits)f", x)
    }

    /// Python's `'{:>{width}}'.format(s)`: `s` right-aligned in a field of
    /// `width` characters, never truncated. Width is counted like Python's
    /// `len`, in Unicode scalars (code points).
    static func rightAligned(_ s: String, width: Int) -> String {
        let length = s.unicodeScalars.count
        return length >= width ? s : String(repeating: " ", count: width - length) + s
    }

    /// The length of `s` as Python's `len` counts it: Unicode scalars.
    static func length(_ s: String) -> Int {
        s.unicodeScalars.count
    }
}
