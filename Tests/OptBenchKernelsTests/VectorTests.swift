import OptBenchKernels
import Testing

@Suite("Vector access")
struct VectorAccessTests {
    static let lengths = [1, 15, 16, 17, 33, 0, 32, 37]

    @Test("forEachVector covers 0..<count once, in 16-wide steps", arguments: lengths)
    func forEachVector(count: Int) {
        var calls: [(Int, Int)] = []
        Kernels.forEachVector(count: count) { offset, lanes in calls.append((offset, lanes)) }
        let expected = stride(from: 0, to: count, by: 16).map { ($0, min(16, count - $0)) }
        #expect(calls.map(\.0) == expected.map(\.0))
        #expect(calls.map(\.1) == expected.map(\.1))
    }

    /// Loading reads exactly `lanes` values (zero beyond them, even when the
    /// memory after the buffer holds other data) and storing writes exactly
    /// `lanes` values.
    @Test("load and store touch exactly the given lanes", arguments: lengths)
    func loadAndStore(count: Int) {
        // The buffer continues past `count` with NaNs that must never be read
        // into a used lane nor overwritten.
        let source = (0..<count).map { Float($0) + 0.5 } + [Float](repeating: .nan, count: 16)
        var target = [Float](repeating: -1, count: count) + [Float](repeating: .nan, count: 16)
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                let s = s.baseAddress!, t = t.baseAddress!
                Kernels.forEachVector(count: count) { offset, lanes in
                    let v = s.vector(at: offset, lanes: lanes)
                    for q in 0..<16 {
                        let expected: Float = q < lanes ? Float(offset + q) + 0.5 : 0
                        #expect(v[q] == expected, "offset \(offset) lane \(q)")
                    }
                    // The mutable pointer's load is the same.
                    let w = UnsafeMutablePointer(mutating: s).vector(at: offset, lanes: lanes)
                    #expect(w == v)
                    // Stores write `v · 2` into the first `lanes` lanes only; lanes
                    // beyond are filled with a value that must not appear.
                    var out = v * 2
                    for q in lanes..<16 { out[q] = 99 }
                    t.store(out, at: offset, lanes: lanes)
                }
            }
        }
        for i in 0..<count { #expect(target[i] == (Float(i) + 0.5) * 2) }
        #expect(target[count...].allSatisfy { $0.isNaN }, "a store wrote past the end")
    }

    /// Vectorised lane arithmetic rounds like the scalar expression (the
    /// optimizers rely on this to match Keras's element-wise ops).
    @Test("lane arithmetic equals scalar arithmetic")
    func laneArithmetic() {
        var rng = TestRandom(seed: 3)
        for _ in 0..<100 {
            let a = SIMD16<Float>(rng.floats(16, in: -100, 100))
            let b = SIMD16<Float>(rng.floats(16, in: 0.01, 10))
            let c: Float = 0.9
            let v = (a - c * b) / b + a * a
            for q in 0..<16 {
                let s = (a[q] - c * b[q]) / b[q] + a[q] * a[q]
                #expect(v[q].bitPattern == s.bitPattern)
            }
        }
    }
}

@Suite("Vector math")
struct VectorMathTests {
    /// Values across the whole range of normal floats, plus the special cases.
    static var values: [Float] {
        var values: [Float] = [0, -0.0, 1, 2, 3, 4, 0.25, 1e-7, 1e-30, 1e30,
                               .leastNormalMagnitude, .greatestFiniteMagnitude, .infinity, 1.0000001, 0.99999994]
        var rng = TestRandom(seed: 11)
        for _ in 0..<4000 {
            // A random normal float: exponent field 1...254, random mantissa.
            let exponent = UInt32(1 + rng.next() % 254)
            let mantissa = UInt32(truncatingIfNeeded: rng.next()) & 0x7F_FFFF
            values.append(Float(bitPattern: exponent << 23 | mantissa))
        }
        // Perfect squares and their neighbours (where rounding is decided).
        for k in 1...300 {
            let x = Float(k * k)
            values += [x, x.nextUp, x.nextDown]
        }
        while values.count % 16 != 0 { values.append(Float(values.count)) }
        return values
    }

    @Test("Kernels.squareRoot equals scalar squareRoot bit for bit")
    func squareRoot() {
        let values = Self.values
        var mismatches: [String] = []
        for start in stride(from: 0, to: values.count, by: 16) {
            let v = SIMD16<Float>(values[start..<(start + 16)])
            let r = Kernels.squareRoot(v)
            for q in 0..<16 where r[q].bitPattern != values[start + q].squareRoot().bitPattern {
                mismatches.append("√\(values[start + q]): \(r[q]) vs \(values[start + q].squareRoot())")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("negative inputs give NaN, like the scalar root")
    func negative() {
        let r = Kernels.squareRoot(SIMD16<Float>(repeating: -4))
        for q in 0..<16 { #expect(r[q].isNaN) }
    }
}

@Suite("Flush to zero")
struct FlushToZeroTests {
    /// A value whose halving is subnormal, hidden from the optimiser in an array.
    static let smallest: [Float] = [.leastNormalMagnitude]

    @Test("withFlushToZero sets the mode and restores it")
    func setsAndRestores() {
        let before = Kernels.flushesToZero
        #expect(!before, "test threads start without flush-to-zero")
        let halfOutside = Self.smallest[0] / 2
        #expect(halfOutside.isSubnormal)
        let inside: (Bool, Float) = Kernels.withFlushToZero {
            (Kernels.flushesToZero, Self.smallest[0] / 2)
        }
        #expect(inside.0)
        #if arch(x86_64) || arch(arm64)
        #expect(inside.1 == 0, "subnormal results are flushed to zero inside")
        #endif
        #expect(Kernels.flushesToZero == before)
        #expect((Self.smallest[0] / 2).isSubnormal, "and are subnormal again after")
    }

    @Test("nested calls restore the outer mode")
    func nested() {
        Kernels.withFlushToZero {
            Kernels.withFlushToZero { #expect(Kernels.flushesToZero) }
            #expect(Kernels.flushesToZero, "the inner call must restore 'on', not 'off'")
        }
        #expect(!Kernels.flushesToZero)
    }

    struct Failure: Error {}

    @Test("the mode is restored when the body throws")
    func restoresOnThrow() {
        #expect(throws: Failure.self) {
            try Kernels.withFlushToZero {
                #expect(Kernels.flushesToZero)
                throw Failure()
            }
        }
        #expect(!Kernels.flushesToZero)
    }
}
