import Foundation

/// Axis ticks at "nice" numbers: multiples of 1, 2 or 5 times a power of ten.
///
/// ```swift
/// NiceTicks.step(span: 0.93, maxIntervals: 5)            // 0.2
/// NiceTicks.ticks(in: 0...1, maxIntervals: 5)            // [0, 0.2, 0.4, 0.6, 0.8, 1]
/// NiceTicks.ticks(in: 1...30, maxIntervals: 9, integer: true) // [5, 10, 15, 20, 25, 30]
/// ```
///
/// Ticks are computed as `k * m / 10^e` with integers `k` and `m`, not by
/// repeatedly adding the step, so `0.3` is the double nearest to 0.3 rather
/// than `0.30000000000000004`.
public enum NiceTicks {
    /// A tick step: `mantissa × 10^exponent`, with `mantissa` in {1, 2, 5}.
    public struct Step: Sendable, Equatable {
        public var mantissa: Int
        public var exponent: Int

        /// The step as a number.
        public var value: Double { scaled(1) }

        /// `k` steps, computed without accumulated rounding error.
        public func scaled(_ k: Int) -> Double {
            let m = Double(k * mantissa)
            return exponent >= 0 ? m * pow(10, Double(exponent)) : m / pow(10, Double(-exponent))
        }

        /// Decimals needed to print multiples of this step exactly.
        public var decimals: Int { max(0, -exponent) }
    }

    /// The smallest nice step that splits `span` into at most `maxIntervals` intervals.
    /// With `integer`, the step is at least 1.
    public static func step(span: Double, maxIntervals: Int, integer: Bool = false) -> Step {
        let intervals = Double(max(1, maxIntervals))
        guard span.isFinite, span > 0 else { return Step(mantissa: 1, exponent: 0) }
        let raw = span / intervals
        var exponent = Int(floor(log10(raw)))
        let magnitude = pow(10, Double(exponent))
        let residual = raw / magnitude
        var mantissa: Int
        // Small tolerance so that e.g. 0.2 / 0.1 = 2.0000000000000004 stays 2.
        if residual <= 1 + 1e-9 { mantissa = 1 }
        else if residual <= 2 + 1e-9 { mantissa = 2 }
        else if residual <= 5 + 1e-9 { mantissa = 5 }
        else { mantissa = 1; exponent += 1 }
        if integer && exponent < 0 { mantissa = 1; exponent = 0 }
        return Step(mantissa: mantissa, exponent: exponent)
    }

    /// The nice ticks inside `range` (inclusive, with a tiny tolerance), at
    /// most `maxIntervals + 1` of them.
    public static func ticks(in range: ClosedRange<Double>, maxIntervals: Int = 5, integer: Bool = false) -> [Double] {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else { return [] }
        let span = range.upperBound - range.lowerBound
        if span == 0 { return [range.lowerBound] }
        let s = step(span: span, maxIntervals: maxIntervals, integer: integer)
        return ticks(in: range, step: s)
    }

    /// The multiples of `step` inside `range`.
    public static func ticks(in range: ClosedRange<Double>, step: Step) -> [Double] {
        let v = step.value
        guard v > 0 else { return [] }
        let tolerance = v * 1e-9
        let first = Int(ceil((range.lowerBound - tolerance) / v))
        let last = Int(floor((range.upperBound + tolerance) / v))
        guard last >= first, last - first <= 1000 else { return [] }
        return (first...last).map { step.scaled($0) }
    }

    /// Widens `lower...upper` outwards to multiples of a nice step and returns
    /// the widened range with its ticks. A zero-width range is widened around
    /// its value first; non-finite input gives `0...1`.
    public static func niceRange(lower: Double, upper: Double, maxIntervals: Int = 5)
        -> (range: ClosedRange<Double>, ticks: [Double], step: Step)
    {
        var lo = lower, hi = upper
        if !lo.isFinite || !hi.isFinite || lo > hi { lo = 0; hi = 1 }
        if lo == hi {
            let delta = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= delta; hi += delta
        }
        let s = step(span: hi - lo, maxIntervals: maxIntervals)
        let v = s.value
        let k0 = Int(floor(lo / v + 1e-9)), k1 = Int(ceil(hi / v - 1e-9))
        let range = s.scaled(k0)...s.scaled(max(k1, k0 + 1))
        return (range, ticks(in: range, step: s), s)
    }
}
