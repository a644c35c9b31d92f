import Foundation
import OptBenchKernels
import OptBenchModel
import Testing

struct GradientCase: CustomTestStringConvertible, Sendable {
    let inputSize: Int
    let hidden: [Int]
    let classes: Int
    let batch: Int
    /// Check every `stride`-th parameter (all of them for the small networks).
    let stride: Int
    /// Image-like inputs, half zeros: the first layer skips them.
    var sparse = false

    var model: MLP { MLP(MLPArchitecture(inputSize: inputSize, hiddenSizes: hidden, classCount: classes)) }
    var testDescription: String { "\(inputSize)-\(hidden)-\(classes), batch \(batch)\(sparse ? ", sparse inputs" : "")" }

    func problem(seed: UInt64) -> GradientProblem {
        GradientProblem(model: model, batch: batch, seed: seed, sparseInputs: sparse)
    }

    static let all: [GradientCase] = [
        GradientCase(inputSize: 7, hidden: [5, 4], classes: 3, batch: 6, stride: 1),
        GradientCase(inputSize: 7, hidden: [5, 4], classes: 3, batch: 1, stride: 1),
        GradientCase(inputSize: 7, hidden: [5, 4], classes: 3, batch: 24, stride: 1),
        GradientCase(inputSize: 4, hidden: [], classes: 3, batch: 5, stride: 1),
        GradientCase(inputSize: 9, hidden: [6], classes: 10, batch: 32, stride: 1),
        // Wide enough for the 8×32 tiles and the 16-wide panels of every product.
        GradientCase(inputSize: 20, hidden: [40, 17], classes: 10, batch: 9, stride: 7),
        // Both first-layer products skip zeros (MLP.zeroSkippingDensity).
        GradientCase(inputSize: 48, hidden: [70, 9], classes: 4, batch: 13, stride: 5, sparse: true),
        GradientCase(inputSize: 33, hidden: [], classes: 3, batch: 8, stride: 1, sparse: true),
        // More samples than MLP.samplesPerPart: the batch is passed in parts.
        GradientCase(inputSize: 12, hidden: [10], classes: 4, batch: 300, stride: 3, sparse: true),
    ]
}

@Suite("Forward and backward passes")
struct GradientTests {
    /// The analytic gradient of the mean loss against central differences
    /// `(L(θ + h) − L(θ − h)) / 2h` of the Double reference forward pass
    /// (h = 1e-5: truncation error ~h², rounding ~1e-16/h, both far below the
    /// tolerance). The analytic gradient is computed in Float, so it carries
    /// relative errors of a few 1e-7 of the partial sums: the tolerance is
    /// `|g − fd| ≤ 1e-4·|fd| + 1e-7`, a hundred times tighter than the usual
    /// 1e-2 because the reference is in Double (the largest error seen is
    /// about 4% of this tolerance). Parameters whose ±h perturbation
    /// flips a ReLU (a kink) are skipped and counted.
    @Test("lossAndGradient matches finite differences of the Double reference", arguments: GradientCase.all)
    func finiteDifferences(_ c: GradientCase) {
        let problem = c.problem(seed: UInt64(c.batch * 13 + c.inputSize))
        let (gradient, _) = problem.gradient()
        let base = problem.parameters.map(Double.init)
        let basePattern = problem.referenceForward(parameters: base).pattern
        let h = 1e-5
        var skipped = 0, checked = 0, large = 0
        var failures: [String] = []
        for q in stride(from: 0, to: c.model.parameterCount, by: c.stride) {
            var plus = base, minus = base
            plus[q] += h
            minus[q] -= h
            let up = problem.referenceForward(parameters: plus)
            let down = problem.referenceForward(parameters: minus)
            guard up.pattern == basePattern, down.pattern == basePattern else {
                skipped += 1
                continue
            }
            let fd = (up.meanLoss - down.meanLoss) / (2 * h)
            let g = Double(gradient[q])
            checked += 1
            if abs(fd) > 1e-4 { large += 1 }
            if !(abs(g - fd) <= 1e-4 * abs(fd) + 1e-7) {
                failures.append("θ[\(q)]: \(g) vs \(fd)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(checked) parameters wrong: \(failures.prefix(5))")
        #expect(skipped <= checked / 20, "too many parameters at a ReLU kink: \(skipped)")
        // The check is meaningful: most gradients are not tiny.
        #expect(large >= checked / 3, "only \(large) of \(checked) gradients above 1e-4")
    }

    /// The loss and correct count returned with the gradient are the batch's
    /// summed cross-entropy and argmax matches (checked against Double).
    @Test("lossAndGradient returns the summed loss and correct count", arguments: GradientCase.all)
    func totals(_ c: GradientCase) {
        let problem = c.problem(seed: 5)
        let (gradient, totals) = problem.gradient()
        let reference = problem.referenceForward()
        #expect(abs(totals.lossSum - reference.meanLoss * Double(c.batch)) <= 1e-5 * Double(c.batch))
        var correct = 0
        for r in 0..<c.batch {
            let row = reference.logits[(r * c.classes)..<((r + 1) * c.classes)]
            if row.firstIndex(of: row.max()!)! - r * c.classes == Int(problem.labels[r]) { correct += 1 }
        }
        #expect(totals.correct == correct)
        // Every element of the gradient was written.
        #expect(gradient.allSatisfy { $0.isFinite })
    }

    /// The logits of the fast forward pass (fused bias and ReLU epilogues)
    /// against the Double reference: within `1e-5·(1 + |z|)`. Float sums of up
    /// to 40 terms of size ≲1 carry errors of a few 1e-7.
    @Test("forward logits match the Double reference within 1e-5", arguments: GradientCase.all)
    func forwardLogits(_ c: GradientCase) {
        let problem = c.problem(seed: 21)
        let workspace = problem.workspace()
        problem.parameters.withUnsafeBufferPointer { p in
            c.model.forward(parameters: p.baseAddress!, batch: c.batch, workspace: workspace)
        }
        let reference = problem.referenceForward()
        let logits = workspace.activations.last!
        for q in 0..<(c.batch * c.classes) {
            #expect(abs(Double(logits[q]) - reference.logits[q]) <= 1e-5 * (1 + abs(reference.logits[q])), "z[\(q)]")
        }
        // Hidden activations are ReLU outputs.
        for (l, layer) in c.model.layers.dropLast().enumerated() {
            #expect((0..<(c.batch * layer.outputs)).allSatisfy { workspace.activations[l][$0] >= 0 })
        }
    }

    /// Two calls on the same inputs give the same bits, in the same workspace
    /// or a fresh one; a workspace larger than the batch, used before for a
    /// different batch, gives the same bits too (no stale data leaks in).
    @Test("lossAndGradient is deterministic and independent of workspace history", arguments: GradientCase.all)
    func deterministic(_ c: GradientCase) {
        let problem = c.problem(seed: 8)
        let workspace = problem.workspace()
        let first = problem.gradient(workspace: workspace)
        let second = problem.gradient(workspace: workspace)
        let fresh = problem.gradient()
        #expect(first.gradient.map(\.bitPattern) == second.gradient.map(\.bitPattern))
        #expect(first.gradient.map(\.bitPattern) == fresh.gradient.map(\.bitPattern))
        #expect(first.totals == second.totals)

        // A bigger workspace that first saw another, larger batch.
        let other = GradientProblem(model: c.model, batch: c.batch + 5, seed: 9)
        let big = other.workspace(capacity: c.batch + 5)
        _ = other.gradient(workspace: big)
        for q in 0..<problem.inputs.count { big.input[q] = problem.inputs[q] }
        for r in 0..<c.batch { big.labels[r] = problem.labels[r] }
        let reused = problem.gradient(workspace: big)
        #expect(reused.gradient.map(\.bitPattern) == first.gradient.map(\.bitPattern))
        #expect(reused.totals == first.totals)
    }

    /// `evaluate` runs the same forward pass: the same totals as
    /// `lossAndGradient`, probabilities that are the softmax of the logits, and
    /// predictions that are their argmax.
    @Test("evaluate agrees with lossAndGradient", arguments: GradientCase.all)
    func evaluate(_ c: GradientCase) {
        let problem = c.problem(seed: 3)
        let (_, totals) = problem.gradient()
        let workspace = problem.workspace()
        let evaluated = problem.parameters.withUnsafeBufferPointer { p in
            c.model.evaluate(parameters: p.baseAddress!, batch: c.batch, workspace: workspace)
        }
        #expect(evaluated == totals)
        let reference = problem.referenceForward()
        for r in 0..<c.batch {
            let row = reference.logits[(r * c.classes)..<((r + 1) * c.classes)]
            let maximum = row.max()!
            let sum = row.reduce(0) { $0 + exp($1 - maximum) }
            var total = 0.0
            for j in 0..<c.classes {
                let p = Double(workspace.probabilities[r * c.classes + j])
                total += p
                #expect(abs(p - exp(row[r * c.classes + j] - maximum) / sum) <= 1e-5)
            }
            #expect(abs(total - 1) <= 1e-5)
            #expect(Int(workspace.predictions[r]) == row.firstIndex(of: maximum)! - r * c.classes)
        }
    }

    /// Loading each part of the batch from the images (both threads gathering,
    /// each finding the zeros of its rows for the next forward pass) gives the
    /// same gradient and loss, to the bit, as with the whole input written
    /// directly (where the forward pass finds the zeros itself). Each part is
    /// loaded into the first rows of the workspace, so afterwards those hold
    /// the last part.
    @Test("loading each part of the batch gives the gradient of the input written directly",
          arguments: [32, 600])
    func loadParts(batch: Int) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [40], classCount: 10))
        var rng = SeededGenerator(seed: 5, stream: 1)
        let images: [UInt8] = (0..<(50 * 784)).map { q in
            let p = q % 784
            return p < 100 || p % 5 == 0 || rng.nextUnitFloat() < 0.4 ? 0 : UInt8(rng.nextInt(below: 256))
        }
        let indices: [Int32] = (0..<batch).map { _ in Int32(rng.nextInt(below: 50)) }
        let parameters = model.initialParameters(seed: 3)
        func gradient(loadingParts: Bool) -> (input: [Float], gradient: [Float], totals: CrossEntropyTotals) {
            let workspace = MLPWorkspace(model: model, capacity: batch)
            for r in 0..<batch { workspace.labels[r] = UInt8(r % 10) }
            var gradient = [Float](repeating: .nan, count: model.parameterCount)
            let totals = images.withUnsafeBufferPointer { bytes in
                indices.withUnsafeBufferPointer { idx in
                    parameters.withUnsafeBufferPointer { p in
                        gradient.withUnsafeMutableBufferPointer { g in
                            if loadingParts {
                                return model.lossAndGradient(images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                                             gradients: g.baseAddress!, workspace: workspace)
                            }
                            Kernels.gatherScaledRows(from: bytes.baseAddress!, width: 784, indices: idx, into: workspace.input)
                            return model.lossAndGradient(parameters: p.baseAddress!, gradients: g.baseAddress!,
                                                         batch: batch, workspace: workspace)
                        }
                    }
                }
            }
            return (Array(UnsafeBufferPointer(start: workspace.input, count: batch * 784)), gradient, totals)
        }
        let loaded = gradient(loadingParts: true), direct = gradient(loadingParts: false)
        let lastPart = (batch - 1) / MLP.samplesPerPart * MLP.samplesPerPart
        #expect(loaded.input[0..<((batch - lastPart) * 784)] == direct.input[(lastPart * 784)...])
        #expect(loaded.gradient.map(\.bitPattern) == direct.gradient.map(\.bitPattern))
        #expect(loaded.totals == direct.totals)
        #expect(!loaded.gradient.contains { $0.isNaN })
    }
}

/// The training step's pass that applies the update as the gradients come
/// (``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``)
/// must update every parameter exactly once, from the very gradient of the
/// plain pass, for any split of the first layer among threads; the plain pass
/// itself gives the same gradient for any split.
@Suite("Gradient pass with the update")
struct FusedUpdateTests {
    static let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [40], classCount: 10))

    /// Image-like bytes (a zero border, zeros inside), or dense ones, `width` per image.
    static func images(count: Int, width: Int, sparse: Bool) -> [UInt8] {
        var rng = SeededGenerator(seed: 9, stream: 4)
        return (0..<(count * width)).map { q in
            let p = q % width
            guard sparse else { return UInt8(1 + rng.nextInt(below: 255)) }
            return p < width / 8 || p % 5 == 0 || rng.nextUnitFloat() < 0.4 ? 0 : UInt8(rng.nextInt(below: 256))
        }
    }

    struct Outcome {
        var parameters: [Float]
        var gradient: [Float]
        var totals: CrossEntropyTotals
        var updates: [Int]
    }

    /// `w ← w − 0.1·g` as a ``ParameterUpdate`` that takes the gradients a
    /// product computes straight from the kernel's registers
    /// (``ParameterUpdate/apply(_:firstParameter:)``), counting the
    /// parameters it updates, either way.
    struct DescentUpdate: ParameterUpdate {
        let parameters: UnsafeMutablePointer<Float>, updates: UnsafeMutablePointer<Int>

        func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) {
            for (q, i) in range.enumerated() { parameters[i] -= 0.1 * gradient[q]; updates[i] += 1 }
        }

        /// `w − 0.1·g` on four rows of `n` parameters, a vector at a time.
        struct Sink: TileSink {
            let parameters: UnsafeMutablePointer<Float>, updates: UnsafeMutablePointer<Int>, n: Int

            func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
                let offset = row * n + column
                parameters.store(parameters.vector(at: offset, lanes: lanes) - 0.1 * sums, at: offset, lanes: lanes)
                for i in offset..<(offset + lanes) { updates[i] += 1 }
            }
        }

        func apply(_ product: SparseRowProduct, firstParameter: Int) {
            let n = product.n
            product.run { row in
                Sink(parameters: parameters + firstParameter + row * n, updates: updates + firstParameter + row * n, n: n)
            }
        }
    }

    /// SGD with momentum 0.9 and rate 0.05 (Keras's arithmetic, element by
    /// element); with `registers`, it takes a product's gradients from the
    /// kernel's registers (``ParameterUpdate/apply(_:firstParameter:)``),
    /// otherwise the staged blocks of the default.
    struct MomentumUpdate: ParameterUpdate {
        let parameters: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>
        let nesterov: Bool, registers: Bool

        func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) {
            let (mu, lr): (Float, Float) = (0.9, 0.05)
            for (q, i) in range.enumerated() {
                let v = mu * velocity[i] - lr * gradient[q]
                velocity[i] = v
                parameters[i] += nesterov ? mu * v - lr * gradient[q] : v
            }
        }

        /// The same rule on a vector of four rows of `n` parameters.
        struct Sink: TileSink {
            let parameters: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>, n: Int, nesterov: Bool

            func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
                let (mu, lr): (Float, Float) = (0.9, 0.05)
                let offset = row * n + column
                let v = mu * velocity.vector(at: offset, lanes: lanes) - lr * sums
                velocity.store(v, at: offset, lanes: lanes)
                let step = nesterov ? mu * v - lr * sums : v
                parameters.store(parameters.vector(at: offset, lanes: lanes) + step, at: offset, lanes: lanes)
            }
        }

        func apply(_ product: SparseRowProduct, firstParameter: Int) {
            let n = product.n
            guard registers else {
                product.run { firstRow, rowCount, values in
                    let start = firstParameter + firstRow * n
                    apply(start..<(start + rowCount * n), gradient: values)
                }
                return
            }
            product.run { row in
                Sink(parameters: parameters + firstParameter + row * n, velocity: velocity + firstParameter + row * n,
                     n: n, nesterov: nesterov)
            }
        }
    }

    /// SGD with momentum applied by the pass from the registers gives the
    /// same parameters and velocities as through `apply`, bit for bit: with
    /// one hidden layer (`W₁` from the registers) and with two (`W₂` too).
    @Test("SGD with momentum from the registers, as through the update",
          arguments: [(false, [40]), (true, [40]), (false, [50, 30]), (true, [50, 30])])
    func momentumFromRegisters(nesterov: Bool, hidden: [Int]) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: hidden, classCount: 10))
        let images = Self.images(count: 60, width: 784, sparse: true)
        let indices: [Int32] = (0..<32).map { Int32(($0 * 7) % 60) }
        func run(registers: Bool) -> ([Float], [Float]) {
            var parameters = model.initialParameters(seed: 4)
            var rng = SeededGenerator(seed: 5, stream: 1)
            var velocity = (0..<parameters.count).map { _ in rng.nextUnitFloat() * 0.01 - 0.005 }
            var gradient = [Float](repeating: 0, count: parameters.count)
            let workspace = MLPWorkspace(model: model, capacity: 32)
            workspace.setFirstLayerSplits([0, 400, 784])
            for r in 0..<32 { workspace.labels[r] = UInt8(r % 10) }
            images.withUnsafeBufferPointer { bytes in
                indices.withUnsafeBufferPointer { idx in
                    parameters.withUnsafeMutableBufferPointer { p in
                        velocity.withUnsafeMutableBufferPointer { v in
                            gradient.withUnsafeMutableBufferPointer { g in
                                _ = model.lossAndGradient(
                                    images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                    gradients: g.baseAddress!, workspace: workspace,
                                    update: MomentumUpdate(parameters: p.baseAddress!, velocity: v.baseAddress!,
                                                           nesterov: nesterov, registers: registers))
                            }
                        }
                    }
                }
            }
            return (parameters, velocity)
        }
        let fromRegisters = run(registers: true), throughUpdate = run(registers: false)
        #expect(zip(fromRegisters.0, throughUpdate.0).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(zip(fromRegisters.1, throughUpdate.1).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(fromRegisters.0 != model.initialParameters(seed: 4))
    }

    /// One pass; with `fused`, `w ← w − 0.1·g` is applied through `update`
    /// (with `descent`, taking a product's gradients from the registers),
    /// otherwise after the plain pass. With `grouped`, each part's samples go
    /// through the first layer in ``SampleGrouping`` order (the images taken
    /// as squares).
    static func pass(model: MLP = model, batch: Int, sparse: Bool, splits: [Int]?, fused: Bool,
                     descent: Bool = false, grouped: Bool = false, parameters: [Float]) -> Outcome {
        let images = images(count: 60, width: model.inputSize, sparse: sparse)
        let side = Int(Double(model.inputSize).squareRoot())
        precondition(side * side == model.inputSize)
        let grouping = grouped
            ? images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 60, rows: side, columns: side) }
            : nil
        var rng = SeededGenerator(seed: UInt64(batch), stream: 2)
        let indices: [Int32] = (0..<batch).map { _ in Int32(rng.nextInt(below: 60)) }
        let workspace = MLPWorkspace(model: model, capacity: batch)
        if let splits { workspace.setFirstLayerSplits(splits) }
        for r in 0..<batch { workspace.labels[r] = UInt8(r % model.classCount) }
        var parameters = parameters
        var gradient = [Float](repeating: .nan, count: model.parameterCount)
        var updates = [Int](repeating: 0, count: model.parameterCount)
        let totals = images.withUnsafeBufferPointer { bytes in
            indices.withUnsafeBufferPointer { idx in
                parameters.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeMutableBufferPointer { g in
                        updates.withUnsafeMutableBufferPointer { u in
                            guard fused else {
                                let totals = model.lossAndGradient(images: bytes.baseAddress!, indices: idx,
                                                                   parameters: p.baseAddress!, gradients: g.baseAddress!,
                                                                   workspace: workspace, grouping: grouping)
                                if totals.lossSum.isFinite {
                                    for i in 0..<p.count { p[i] -= 0.1 * g[i]; u[i] += 1 }
                                }
                                return totals
                            }
                            if descent {
                                return model.lossAndGradient(images: bytes.baseAddress!, indices: idx,
                                                             parameters: p.baseAddress!, gradients: g.baseAddress!,
                                                             workspace: workspace, grouping: grouping,
                                                             update: DescentUpdate(parameters: p.baseAddress!,
                                                                                   updates: u.baseAddress!))
                            }
                            return model.lossAndGradient(images: bytes.baseAddress!, indices: idx,
                                                         parameters: p.baseAddress!, gradients: g.baseAddress!,
                                                         workspace: workspace, grouping: grouping) { range, values in
                                // Ranges are disjoint: each element is written by one thread.
                                for (q, i) in range.enumerated() { p[i] -= 0.1 * values[q]; u[i] += 1 }
                            }
                        }
                    }
                }
            }
        }
        return Outcome(parameters: parameters, gradient: gradient, totals: totals, updates: updates)
    }

    /// Fused against plain passes of `model`, for each split of its inputs.
    static func check(model: MLP, batch: Int, sparse: Bool, splits: [[Int]?], parameters: [Float]? = nil) {
        let parameters = parameters ?? model.initialParameters(seed: 4)
        // The reference: one part, so no pipeline and no rows owned by threads.
        let plain = pass(model: model, batch: batch, sparse: sparse, splits: [0, model.inputSize], fused: false,
                         parameters: parameters)
        let firstLayerWeights = model.inputSize * model.layers[0].outputs
        for splits in splits {
            for grouped in [false, true] {
                let label = "\(model.inputSize)-\(model.architecture.hiddenSizes), batch \(batch), splits \(String(describing: splits))"
                    + (grouped ? ", grouped" : "")
                // The plain pass with this split (and grouping) gives the same gradient.
                let split = pass(model: model, batch: batch, sparse: sparse, splits: splits, fused: false, grouped: grouped,
                                 parameters: parameters)
                #expect(zip(split.gradient, plain.gradient).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(label)")
                #expect(split.totals == plain.totals, "\(label)")
                let fused = pass(model: model, batch: batch, sparse: sparse, splits: splits, fused: true, grouped: grouped,
                                 parameters: parameters)
                let notOnce = fused.updates.filter { $0 != 1 }.count
                let differ = zip(fused.parameters, plain.parameters).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(notOnce == 0, "\(label): \(notOnce) parameters not updated once")
                #expect(differ == 0, "\(label): \(differ) parameters differ")
                #expect(fused.totals == plain.totals)
                // The other gradients are stored as usual, but W₂'s when its backward job is split by
                // units between two threads (two parts): the update then takes it as it is computed.
                let secondWeights = model.layers.count > 1
                    ? model.layers[1].weightOffset..<model.layers[1].biasOffset : firstLayerWeights..<firstLayerWeights
                let partCount = (splits?.count ?? KernelThreads.shared.threadCount + 1) - 1
                let secondTaken = partCount == 2 && KernelThreads.shared.threadCount >= 2
                let stored = fused.gradient.indices.filter { $0 >= firstLayerWeights && !(secondTaken && secondWeights.contains($0)) }
                #expect(stored.allSatisfy { fused.gradient[$0].bitPattern == plain.gradient[$0].bitPattern }, "\(label)")
                // From the registers: the same parameters, each updated once.
                let descent = pass(model: model, batch: batch, sparse: sparse, splits: splits, fused: true, descent: true,
                                   grouped: grouped, parameters: parameters)
                let descentDiffer = zip(descent.parameters, plain.parameters).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(descentDiffer == 0, "\(label), from the registers: \(descentDiffer) parameters differ")
                #expect(descent.updates.allSatisfy { $0 == 1 }, "\(label), from the registers")
                #expect(descent.totals == plain.totals)
            }
        }
    }

    @Test("every parameter is updated once, as after the plain pass, bit for bit",
          arguments: [(1, true), (7, true), (32, true), (300, true), (32, false), (300, false)])
    func matchesPlainPass(batch: Int, sparse: Bool) {
        Self.check(model: Self.model, batch: batch, sparse: sparse,
                   splits: [nil, [0, 784], [0, 400, 784], [0, 0, 784], [0, 784, 784], [0, 208, 496, 784]])
    }

    /// No hidden layer (the first layer is the output layer: ten columns, all
    /// in the narrow tile; only its biases are "other" parameters), and an
    /// input size that is no multiple of 16.
    @Test("the same for a model without hidden layers and for 100 inputs", arguments: [1, 32, 300])
    func otherShapes(batch: Int) {
        Self.check(model: MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [], classCount: 10)), batch: batch,
                   sparse: true, splits: [nil, [0, 784], [0, 400, 784], [0, 208, 496, 784]])
        Self.check(model: MLP(MLPArchitecture(inputSize: 100, hiddenSizes: [20], classCount: 10)), batch: batch,
                   sparse: true, splits: [nil, [0, 100], [0, 48, 100], [0, 96, 100], [0, 16, 64, 100]])
    }

    /// Two hidden layers: with two parts on two threads, the second one's
    /// forward product (bias and ReLU) joins the first layer's pipeline as a
    /// pipeline of its own over the first layer's units, its backward pass
    /// is split by those units and each part updates its rows of `W₂`; the
    /// output layer's job also computes `δ` of the second layer by rows.
    /// Batches of 1 to 300 rows (a part of 256 and one of 44; few samples
    /// take the `(W·δᵀ)ᵀ` route, many the `δ·Wᵀ` one), against the plain pass
    /// without a pipeline. (Three parts do not join the second layer.) Then
    /// with most first-layer units switched off, so that the second layer's
    /// product skips zeros.
    @Test("the same with two hidden layers, the second computed in the pipeline's job", arguments: [1, 5, 32, 300])
    func twoHiddenLayers(batch: Int) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [50, 30], classCount: 10))
        Self.check(model: model, batch: batch, sparse: true, splits: [nil, [0, 400, 784], [0, 208, 496, 784]])
        // Most first-layer units off (negative biases): the second layer's product skips their zeros.
        var parameters = model.initialParameters(seed: 4)
        for unit in 0..<50 where unit % 4 != 0 { parameters[model.layers[0].biasOffset + unit] = -2 }
        Self.check(model: model, batch: batch, sparse: true, splits: [nil, [0, 400, 784], [0, 208, 496, 784]],
                   parameters: parameters)
    }

    /// Three hidden layers: the output layer's weight gradient is left to the
    /// third layer's backward job (not split by units), and a first hidden
    /// layer narrower than 16 units leaves part 1 no rows of `W₂`.
    @Test("the same with three hidden layers, and with a narrow first one", arguments: [5, 32, 300])
    func threeHiddenLayers(batch: Int) {
        Self.check(model: MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [40, 24, 12], classCount: 10)),
                   batch: batch, sparse: true, splits: [nil, [0, 400, 784]])
        Self.check(model: MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [9, 20], classCount: 10)),
                   batch: batch, sparse: true, splits: [nil, [0, 400, 784]])
    }

    @Test("a non-finite loss updates nothing and leaves the whole gradient")
    func nonFiniteLoss() {
        var parameters = Self.model.initialParameters(seed: 4)
        parameters[parameters.count - 1] = .infinity        // the last bias: every logit of class 9 is infinite
        let plain = Self.pass(batch: 32, sparse: true, splits: nil, fused: false, parameters: parameters)
        let fused = Self.pass(batch: 32, sparse: true, splits: [0, 400, 784], fused: true, parameters: parameters)
        #expect(!fused.totals.lossSum.isFinite)
        #expect(fused.updates.allSatisfy { $0 == 0 })
        #expect(zip(fused.parameters, parameters).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(zip(fused.gradient, plain.gradient).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
