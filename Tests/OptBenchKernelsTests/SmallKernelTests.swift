import Foundation
import OptBenchKernels
import Testing

@Suite("Transpose and column sums")
struct TransposeTests {
    /// Sizes around the 16×16 register blocks of the transpose (full blocks,
    /// right and bottom edges, both, neither), with padded rows.
    @Test("transpose is exact", arguments: [
        (1, 1, 0), (7, 13, 3), (16, 16, 0), (16, 16, 5), (17, 31, 2), (32, 32, 0), (33, 65, 5),
        (48, 20, 3), (100, 10, 1), (1, 40, 2), (15, 17, 0), (784, 32, 1),
    ])
    func transpose(m: Int, n: Int, pad: Int) {
        let lda = n + pad
        var rng = TestRandom(seed: UInt64(m * 31 + n))
        let a = rng.floats(m * lda)
        // One element after the end catches an overrun of the dense output.
        var t = [Float](repeating: .nan, count: n * m + 1)
        t[n * m] = 123
        a.withUnsafeBufferPointer { a in
            t.withUnsafeMutableBufferPointer { t in
                Kernels.transpose(m: m, n: n, a: a.baseAddress!, lda: lda, into: t.baseAddress!)
            }
        }
        var wrong = 0
        for i in 0..<m {
            for j in 0..<n where t[j * m + i].bitPattern != a[i * lda + j].bitPattern { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(t[n * m] == 123)
    }

    /// Into the columns `offset ..< offset + m` of a wider matrix (leading
    /// dimension `ldt`): the other columns are left alone.
    @Test("transpose into columns of a wider matrix", arguments: [
        (1, 1, 3, 0), (7, 13, 20, 5), (16, 16, 16, 0), (17, 31, 40, 16), (140, 32, 300, 160), (160, 32, 300, 0),
    ])
    func transposeIntoColumns(m: Int, n: Int, ldt: Int, offset: Int) {
        let lda = n + 1
        var rng = TestRandom(seed: UInt64(m * 131 + ldt))
        let a = rng.floats(m * lda)
        var t = [Float](repeating: 7, count: n * ldt)
        a.withUnsafeBufferPointer { a in
            t.withUnsafeMutableBufferPointer { t in
                Kernels.transpose(m: m, n: n, a: a.baseAddress!, lda: lda, into: t.baseAddress! + offset, ldt: ldt)
            }
        }
        var wrong = 0
        for j in 0..<n {
            for q in 0..<ldt {
                let i = q - offset
                let expected = (0..<m).contains(i) ? a[i * lda + j] : 7
                if t[j * ldt + q].bitPattern != expected.bitPattern { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    /// The fused gradient through a ReLU equals transpose, mask and column
    /// sums one after the other, bit for bit, sums continued or not; the mask
    /// has zeros, negatives and NaN.
    @Test("transposeMaskingAndSumming equals its three steps", arguments: [
        (1, 1), (7, 13), (16, 16), (17, 31), (140, 32), (160, 32), (33, 5), (12, 40),
    ])
    func transposeMaskingAndSumming(m: Int, n: Int) {
        let lda = n + 2, ldt = m + 3
        var rng = TestRandom(seed: UInt64(m * 71 + n))
        let a = rng.floats(m * lda, in: -3, 3)
        var h = rng.floats(n * ldt, in: -1, 1)
        for q in stride(from: 0, to: h.count, by: 7) { h[q] = 0 }
        h[h.count / 2] = .nan
        let start = rng.floats(m, in: -1, 1)
        for accumulate in [false, true] {
            var fused = [Float](repeating: 9, count: n * ldt), fusedSums = start
            var plain = [Float](repeating: 9, count: n * ldt), plainSums = start
            a.withUnsafeBufferPointer { a in
                h.withUnsafeBufferPointer { h in
                    fused.withUnsafeMutableBufferPointer { t in
                        fusedSums.withUnsafeMutableBufferPointer { s in
                            Kernels.transposeMaskingAndSumming(m: m, n: n, a: a.baseAddress!, lda: lda, mask: h.baseAddress!,
                                                               ldh: ldt, into: t.baseAddress!, ldt: ldt, sums: s.baseAddress!,
                                                               accumulate: accumulate)
                        }
                    }
                    plain.withUnsafeMutableBufferPointer { t in
                        Kernels.transpose(m: m, n: n, a: a.baseAddress!, lda: lda, into: t.baseAddress!, ldt: ldt)
                        Kernels.apply(.reluMask(h.baseAddress!, ldh: ldt), m: n, n: m, c: t.baseAddress!, ldc: ldt)
                        plainSums.withUnsafeMutableBufferPointer { s in
                            Kernels.columnSums(m: n, n: m, a: t.baseAddress!, lda: ldt, into: s.baseAddress!,
                                               accumulate: accumulate)
                        }
                    }
                }
            }
            #expect(zip(fused, plain).allSatisfy { $0.bitPattern == $1.bitPattern }, "accumulate \(accumulate)")
            #expect(zip(fusedSums, plainSums).allSatisfy { $0.bitPattern == $1.bitPattern }, "accumulate \(accumulate)")
        }
    }

    /// Both sum each column over increasing rows from 0, so they agree bit for bit.
    @Test("columnSums equals the reference bit for bit", arguments: [(1, 1), (24, 10), (32, 100), (7, 300), (5, 17), (3, 16), (2, 33)])
    func columnSums(m: Int, n: Int) {
        let lda = n + 3
        var rng = TestRandom(seed: UInt64(m * 977 + n))
        let a = rng.floats(m * lda, in: -10, 10)
        var fast = [Float](repeating: .nan, count: n + 1)
        fast[n] = -1
        var reference = [Float](repeating: .nan, count: n)
        a.withUnsafeBufferPointer { a in
            fast.withUnsafeMutableBufferPointer { s in
                Kernels.columnSums(m: m, n: n, a: a.baseAddress!, lda: lda, into: s.baseAddress!)
            }
            reference.withUnsafeMutableBufferPointer { s in
                ReferenceKernels.columnSums(m: m, n: n, a: a.baseAddress!, lda: lda, into: s.baseAddress!)
            }
        }
        #expect(zip(fast, reference).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(fast[n] == -1)
        // And they are column sums (checked in Double, within float rounding).
        for j in 0..<n {
            let exact = (0..<m).reduce(0.0) { $0 + Double(a[$1 * lda + j]) }
            #expect(abs(Double(fast[j]) - exact) <= 1e-6 * Double(m) * 10)
        }
    }

    /// The previous content of the output does not leak into the sums.
    @Test("columnSums overwrites its output")
    func columnSumsOverwrite() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        var s: [Float] = [100, 100, 100]
        s.withUnsafeMutableBufferPointer { Kernels.columnSums(m: 2, n: 3, a: a, lda: 3, into: $0.baseAddress!) }
        #expect(s == [5, 7, 9])
    }
}

@Suite("Softmax cross-entropy")
struct SoftmaxCrossEntropyTests {
    struct Result {
        var totals: CrossEntropyTotals
        var gradient: [Float]
        var probabilities: [Float]
        var predictions: [Int32]
    }

    func run(m: Int, n: Int, logits: [Float], ldz: Int, labels: [UInt8]) -> Result {
        var gradient = [Float](repeating: .nan, count: m * n)
        var probabilities = [Float](repeating: .nan, count: m * n)
        var predictions = [Int32](repeating: -1, count: m)
        let totals = gradient.withUnsafeMutableBufferPointer { g in
            probabilities.withUnsafeMutableBufferPointer { p in
                predictions.withUnsafeMutableBufferPointer { y in
                    Kernels.softmaxCrossEntropy(m: m, n: n, logits: logits, ldz: ldz, labels: labels,
                                                gradient: g.baseAddress!, probabilities: p.baseAddress!,
                                                predictions: y.baseAddress!)
                }
            }
        }
        return Result(totals: totals, gradient: gradient, probabilities: probabilities, predictions: predictions)
    }

    /// Against the Double reference. Float `exp`/`log` are within a few ulps,
    /// so each row's loss is within about `4·2⁻²⁴·(1 + |z_y − μ| + log n)` of
    /// the exact value: the tolerance is `1e-6·Σ(1 + |loss|)`. Probabilities
    /// are within a few ulps of values ≤ 1 (absolute 1e-6), the gradient is
    /// that divided by `m`.
    @Test("matches the Double reference", arguments: [(1, 10), (24, 10), (32, 10), (5, 3), (7, 17), (3, 1)])
    func matchesReference(m: Int, n: Int) {
        var rng = TestRandom(seed: UInt64(m * 100 + n))
        let ldz = n + 2
        var padded = [Float](repeating: .nan, count: m * ldz)
        var dense = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                let z = rng.float(in: -8, 8)
                padded[i * ldz + j] = z
                dense[i * n + j] = z
            }
        }
        let labels = (0..<m).map { _ in UInt8(rng.next() % UInt64(n)) }
        let result = run(m: m, n: n, logits: padded, ldz: ldz, labels: labels)
        let reference = ReferenceKernels.softmaxCrossEntropy(m: m, n: n, logits: dense, labels: labels)

        // The reference's own loss, row by row, bounds the tolerance.
        var scale = 0.0
        for i in 0..<m { scale += 1 + abs(-log(reference.probabilities[i * n + Int(labels[i])])) }
        #expect(abs(result.totals.lossSum - reference.lossSum) <= 1e-6 * scale,
                "loss \(result.totals.lossSum) vs \(reference.lossSum)")
        for q in 0..<(m * n) {
            #expect(abs(Double(result.probabilities[q]) - reference.probabilities[q]) <= 1e-6, "p[\(q)]")
            #expect(abs(Double(result.gradient[q]) - reference.gradient[q]) <= 1e-6 / Double(m), "g[\(q)]")
        }
        // Predictions are the argmax, and `correct` counts the matches.
        var correct = 0
        for i in 0..<m {
            let row = dense[(i * n)..<((i + 1) * n)]
            let argmax = row.indices.first { row[$0] == row.max()! }! - i * n
            #expect(result.predictions[i] == Int32(argmax))
            if argmax == Int(labels[i]) { correct += 1 }
        }
        #expect(result.totals.correct == correct)
        // Each gradient row sums to zero (p sums to 1, minus the one-hot).
        for i in 0..<m {
            let rowSum = (0..<n).reduce(0.0) { $0 + Double(result.gradient[i * n + $1]) }
            #expect(abs(rowSum) <= 1e-6)
        }
    }

    /// A row by hand: logits [0, ln 2, ln 3] have softmax [1/6, 2/6, 3/6].
    @Test("a row by hand")
    func byHand() {
        let logits: [Float] = [0, Float(0.6931471805599453), Float(1.0986122886681098)]
        let result = run(m: 1, n: 3, logits: logits, ldz: 3, labels: [1])
        #expect(abs(result.totals.lossSum - 1.0986122886681098) < 1e-6)   // −log(1/3)
        let expectedP: [Float] = [1.0 / 6, 2.0 / 6, 3.0 / 6]
        for j in 0..<3 { #expect(abs(result.probabilities[j] - expectedP[j]) < 1e-6) }
        let expectedG: [Float] = [1.0 / 6, 2.0 / 6 - 1, 3.0 / 6]
        for j in 0..<3 { #expect(abs(result.gradient[j] - expectedG[j]) < 1e-6) }
        #expect(result.predictions == [2])
        #expect(result.totals.correct == 0)
    }

    /// Huge logits: the max subtraction keeps `exp` finite and the loss is
    /// `log s − (z_y − μ)`, never `−log(0)`.
    @Test("huge logits give finite losses and gradients")
    func hugeLogits() {
        let logits: [Float] = [1e4, -1e4, 0,
                               -1e4, -1e4, -1e4,
                               3e38, -3e38, 3e38]
        let labels: [UInt8] = [1, 2, 2]
        let result = run(m: 3, n: 3, logits: logits, ldz: 3, labels: labels)
        #expect(result.totals.lossSum.isFinite)
        // Row 0: loss = 2e4 (p_y underflows to 0 but the loss does not use it).
        // Row 1: all equal, loss = log 3. Row 2: two maxima, loss = log 2.
        let expected = 2e4 + 1.0986122886681098 + 0.6931471805599453
        #expect(abs(result.totals.lossSum - expected) <= 1e-6 * expected)
        #expect(result.gradient.allSatisfy { $0.isFinite })
        #expect(result.probabilities.allSatisfy { $0.isFinite })
        #expect(result.probabilities[0] == 1 && result.probabilities[1] == 0)
        #expect(abs(result.gradient[1] - (-1.0 / 3)) < 1e-7)
        // Ties go to the first index.
        #expect(result.predictions == [0, 0, 0])
        #expect(result.totals.correct == 0)
    }

    /// Ties: the prediction is the first largest logit, and it counts as correct
    /// only for that class.
    @Test("ties predict the first largest logit")
    func ties() {
        let logits: [Float] = [1, 3, 3, 2,
                               5, 5, 5, 5,
                               0, 0, 0, 7]
        let result = run(m: 3, n: 4, logits: logits, ldz: 4, labels: [2, 0, 3])
        #expect(result.predictions == [1, 0, 3])
        #expect(result.totals.correct == 2)
    }

    /// The optional outputs are optional: the totals do not change without them.
    @Test("totals alone")
    func totalsAlone() {
        var rng = TestRandom(seed: 5)
        let logits = rng.floats(40, in: -3, 3)
        let labels: [UInt8] = [0, 1, 2, 3]
        let withAll = run(m: 4, n: 10, logits: logits, ldz: 10, labels: labels).totals
        let alone = Kernels.softmaxCrossEntropy(m: 4, n: 10, logits: logits, ldz: 10, labels: labels)
        #expect(alone == withAll)
    }
}

@Suite("Byte scaling")
struct ByteScalingTests {
    @Test("the table is Float(Double(v) / 255)")
    func table() {
        #expect(Kernels.unitScale.count == 256)
        for v in 0..<256 {
            #expect(Kernels.unitScale[v].bitPattern == Float(Double(v) / 255).bitPattern)
        }
        #expect(Kernels.unitScale[0] == 0 && Kernels.unitScale[255] == 1)
    }

    /// The vector path (16 bytes at a time) scales every byte value to the
    /// table's value, bit for bit.
    @Test("the vector path scales every byte value exactly")
    func everyByteValue() {
        let bytes = (0..<256).map { UInt8($0) } + (0..<256).map { UInt8(255 - $0) }
        var output = [Float](repeating: .nan, count: 512)
        bytes.withUnsafeBufferPointer { b in
            [Int32(0), 1].withUnsafeBufferPointer { idx in
                Kernels.gatherScaledRows(from: b.baseAddress!, width: 256, indices: idx, into: &output)
            }
        }
        let wrong = (0..<512).filter { output[$0].bitPattern != Kernels.unitScale[Int(bytes[$0])].bitPattern }
        #expect(wrong.isEmpty, "byte values scaled wrongly: \(wrong.map { bytes[$0] })")
    }

    /// Gathers rows in any order, with repeats, scaling every byte value.
    @Test("gatherScaledRows gathers and scales every byte value")
    func gather() {
        let width = 17
        let rows = 16
        // Row r holds the bytes (r·17 + q) mod 256.
        let bytes = (0..<(rows * width)).map { UInt8($0 % 256) }
        let indices: [Int32] = [3, 0, 15, 3, 7]
        var output = [Float](repeating: .nan, count: indices.count * width + 1)
        output[indices.count * width] = -1
        bytes.withUnsafeBufferPointer { b in
            indices.withUnsafeBufferPointer { idx in
                Kernels.gatherScaledRows(from: b.baseAddress!, width: width, indices: idx, into: &output)
            }
        }
        for (r, index) in indices.enumerated() {
            for q in 0..<width {
                let v = bytes[Int(index) * width + q]
                #expect(output[r * width + q].bitPattern == Float(Double(v) / 255.0).bitPattern)
            }
        }
        #expect(output[indices.count * width] == -1)
    }

    /// Only the given columns are written, scaled as by the whole-row gather,
    /// and each block of four rows lists its nonzero columns among them, by
    /// their indices in the whole row. Rows of 50 bytes, some zero; column
    /// ranges on and off the 16-byte steps, empty, and whole.
    @Test("gatherScaledColumns writes and lists only its columns",
          arguments: [0..<50, 0..<16, 16..<48, 3..<37, 48..<50, 20..<20, 33..<50])
    func gatherColumns(columns: Range<Int>) {
        let width = 50, rows = 9
        var rng = TestRandom(seed: 5)
        let bytes: [UInt8] = (0..<(rows * width)).map { _ in rng.next() % 3 == 0 ? 0 : UInt8(1 + rng.next() % 255) }
        let indices: [Int32] = [4, 0, 8, 4, 2, 7, 1]
        var output = [Float](repeating: .nan, count: indices.count * width)
        var whole = [Float](repeating: .nan, count: indices.count * width)
        let pattern = NonzeroPattern.allocate(rows: indices.count, columns: width)
        defer { pattern.deallocate() }
        bytes.withUnsafeBufferPointer { b in
            indices.withUnsafeBufferPointer { idx in
                Kernels.gatherScaledColumns(columns, from: b.baseAddress!, width: width, indices: idx, into: &output,
                                            findingNonzerosInto: pattern)
                Kernels.gatherScaledRows(from: b.baseAddress!, width: width, indices: idx, into: &whole)
            }
        }
        for r in 0..<indices.count {
            for q in 0..<width {
                let got = output[r * width + q]
                if columns.contains(q) {
                    #expect(got.bitPattern == whole[r * width + q].bitPattern, "row \(r), column \(q)")
                } else {
                    #expect(got.isNaN, "row \(r), column \(q) outside \(columns) was written")
                }
            }
        }
        for block in 0..<((indices.count + 3) / 4) {
            let blockRows = (4 * block)..<min(indices.count, 4 * block + 4)
            let expected = columns.filter { q in blockRows.contains { whole[$0 * width + q] != 0 } }
            #expect(pattern.indices(rowBlock: block).map(Int.init) == expected, "block \(block)")
        }
    }

    @Test("gatherScaledRows maps all 256 values")
    func everyValue() {
        let bytes = (0..<256).map { UInt8($0) }
        let indices: [Int32] = [0]
        var output = [Float](repeating: .nan, count: 256)
        bytes.withUnsafeBufferPointer { b in
            indices.withUnsafeBufferPointer { idx in
                Kernels.gatherScaledRows(from: b.baseAddress!, width: 256, indices: idx, into: &output)
            }
        }
        for v in 0..<256 { #expect(output[v].bitPattern == Float(Double(v) / 255.0).bitPattern) }
    }
}
