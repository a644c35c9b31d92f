import Dispatch
import OptBenchKernels

/// The scratch memory of an ``MLP`` for batches of up to `capacity` samples:
/// inputs, every layer's activations and their gradients, and the kernels'
/// scratch. Allocated once, so that no training step allocates.
public final class MLPWorkspace {
    /// Largest batch this workspace holds.
    public let capacity: Int
    /// The batch's inputs, `capacity × inputSize`, filled by the caller.
    public let input: UnsafeMutablePointer<Float>
    /// The batch's labels, filled by the caller.
    public let labels: UnsafeMutablePointer<UInt8>
    /// `activations[l]` is the output of layer `l`, `capacity × outputs(l)`;
    /// for the last layer these are the logits.
    public let activations: [UnsafeMutablePointer<Float>]
    /// `deltas[l]` is the gradient of the loss with respect to layer `l`'s
    /// pre-activation, `capacity × outputs(l)`.
    let deltas: [UnsafeMutablePointer<Float>]
    /// Softmax probabilities of the last batch, `capacity × classCount`.
    public let probabilities: UnsafeMutablePointer<Float>
    /// Predicted classes of the last batch.
    public let predictions: UnsafeMutablePointer<Int32>
    /// Scratch for a transposed operand of the hidden layers' backward pass.
    let transposed: UnsafeMutablePointer<Float>
    /// The transposed input of a part of the batch (`inputSize × part`), for
    /// the first layer's weight gradient.
    let transposedInput: UnsafeMutablePointer<Float>
    let transposedWeights: UnsafeMutablePointer<Float>
    let kernelScratch: UnsafeMutablePointer<Float>
    /// Floats of `kernelScratch` per thread.
    let scratchPerThread: Int
    /// Where the input is nonzero, per block of four rows (for the whole
    /// batch; not written when the pipeline gathers the input, see
    /// ``inputNonzerosOfParts``), and where a part's transposed input is:
    /// the first layer's products skip the zeros.
    let inputNonzeros: NonzeroPattern
    /// When the first layer's pipeline gathers the input itself
    /// (``gathersInPipeline``): each part's nonzeros, in its own columns.
    let inputNonzerosOfParts: [NonzeroPattern]
    let transposedInputNonzeros: NonzeroPattern
    /// Whether a training or evaluation batch loaded from bytes is gathered
    /// by the first layer's pipeline job, each part converting the columns
    /// of the input it reads (``Kernels/gatherScaledColumns(_:from:width:indices:into:findingNonzerosInto:)``),
    /// rather than by a job of its own before it. Set by
    /// ``balanceFirstLayer(images:count:)`` when the images are sparse enough
    /// that the first layer always skips their zeros (the pipeline is the
    /// zero-skipping product, even for a part that is nonzero almost
    /// everywhere; it gives the dense product's results up to the sign of a
    /// zero sum while the weights are finite, so only a diverging run could
    /// be reported a step apart): so no line of the input passes between the
    /// cores, and a step has one job fewer. Part 0, which the others wait
    /// for, gathers each block of four rows just before it computes it; the
    /// others gather all their columns first. Measured in one process
    /// (switched every 128 steps): 1–1.7 µs a step less when this machine's
    /// two virtual CPUs share a die, 13 µs less (of 230) in the phases when
    /// they do not and each cache line passed between them costs about six
    /// times as much.
    public private(set) var gathersInPipeline = false
    /// Where a part's first-layer outputs are nonzero, for the second layer's
    /// product in the pipeline job (``FollowingLayer``).
    let hiddenNonzeros: NonzeroPattern
    /// Per part of the second layer's backward pass split by units: where
    /// its units' outputs are nonzero, per block of four units.
    let unitNonzeros: [NonzeroPattern]
    /// The rows of the first layer's weights that each part (a thread, when
    /// there are enough) owns in a training step: part `t` computes the first
    /// layer's forward product over the inputs `firstLayerSplits[t] ..<
    /// firstLayerSplits[t+1]` (a pipeline, ``Kernels/pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``),
    /// transposes those columns of the input, and computes and applies the
    /// gradient of those weight rows, so that they stay in its core's cache.
    /// Increasing, from 0 to the input size, the inner ones multiples of 16;
    /// one more entry than ``KernelThreads/threadCount`` unless set with
    /// ``setFirstLayerSplits(_:)``; ``balanceFirstLayer(images:count:)``
    /// balances them by nonzero pixels, and ``FirstLayerBalancer`` by time
    /// while training. Results do not depend on it.
    public private(set) var firstLayerSplits: [Int]
    let pipeline: PipelineProgress
    /// The first hidden layer's units (the rows of the second layer's
    /// weights `W₂`) split in two, `[0, u, H]`, when the first layer's
    /// pipeline runs as two parts: the thread of part 0 owns the rows
    /// `0 ..< u` of `W₂`, the thread of part 1 the rows `u ..< H`. Each reads
    /// only its rows in the second layer's forward product (a pipeline over
    /// them, ``FollowingLayer``), computes only their gradient and the
    /// matching columns of `δ₁` in the backward pass, and updates only them,
    /// so that no line of `W₂` moves between the cores. Empty without a
    /// second layer. Results do not depend on it.
    public let secondLayerSplits: [Int]
    let secondPipeline: PipelineProgress
    /// Per stage of the second layer's pipeline: the kernels' scratch.
    let secondLayerScratch: UnsafeMutablePointer<Float>
    let secondLayerScratchPerStage: Int
    /// Per part of the second layer's backward pass split by units: the
    /// transposed operands and the product (``hiddenBackwardScratchPerPart`` floats).
    let hiddenBackwardScratch: UnsafeMutablePointer<Float>
    let hiddenBackwardScratchPerPart: Int
    /// When the last first-layer gradient job started (slot 0) and when each
    /// of its parts finished (slot `8(p+1)`: a cache line each), in uptime
    /// nanoseconds, and the threads it ran on (``FirstLayerBalancer``).
    let gradientJobTimes: UnsafeMutablePointer<UInt64>
    var gradientJobThreads = 0
    /// Per part: one block of four rows of the first layer's weight gradient.
    let gradientTiles: UnsafeMutablePointer<Float>
    let gradientTileCount: Int
    let inputSize: Int
    /// A part's samples in the order of a ``SampleGrouping``: `groupOrder[g]`
    /// is the part's row of its `g`-th sample in that order, `groupPosition`
    /// the inverse; `groupedIndices` the images in that order, `groupScratch`
    /// the sort's (``samplesPerPart`` at most each).
    let groupOrder: UnsafeMutablePointer<Int32>
    let groupPosition: UnsafeMutablePointer<Int32>
    let groupedIndices: UnsafeMutablePointer<Int32>
    let groupScratch: UnsafeMutablePointer<UInt64>
    /// Each row's loss of a part of the batch (the output layer by rows).
    let rowLosses: UnsafeMutablePointer<Float>
    /// Whether the grouped order holds the `groupedCount` samples to be
    /// loaded next, prepared during the step before.
    var groupingPrepared = false
    var groupedCount = 0
    /// The first (and second) layer's outputs of a part in grouped order,
    /// before they are put back in batch order.
    let groupedActivations: [UnsafeMutablePointer<Float>]
    /// The most parts the first layer's inputs may be split into: at least
    /// the thread count, and at least 4 (so that tests can split more finely
    /// than the machine has threads).
    public let maximumParts: Int
    private var allocations: [UnsafeMutableRawPointer] = []

    /// The threads every pass run with this workspace uses (its jobs, and the
    /// kernels it calls). Two workspaces on two different pools (for example
    /// two pools of one thread each) can run independent passes at the same
    /// time, one per core.
    public let threads: KernelThreads

    /// Scratch for batches of up to `capacity` samples of `model`, its passes
    /// run on `threads` (split for that pool's thread count).
    public init(model: MLP, capacity: Int, threads: KernelThreads = .shared) {
        precondition(capacity > 0, "a workspace holds at least one sample")
        self.capacity = capacity
        self.threads = threads
        var allocations: [UnsafeMutableRawPointer] = []
        /// `count` zeros (at least one), freed with the workspace.
        func zeros<T: Numeric>(_ count: Int, of: T.Type) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            allocations.append(UnsafeMutableRawPointer(p))
            return p
        }
        func floats(_ count: Int) -> UnsafeMutablePointer<Float> { zeros(count, of: Float.self) }
        input = floats(capacity * model.inputSize)
        activations = model.layers.map { floats(capacity * $0.outputs) }
        deltas = model.layers.map { floats(capacity * $0.outputs) }
        probabilities = floats(capacity * model.classCount)
        let widest = model.architecture.layerWidths.max() ?? 1
        // Only a part of a batch (MLP.samplesPerPart) is transposed at a time.
        let partCapacity = min(capacity, MLP.samplesPerPart)
        // Transposed activations of the hidden layers (the input has its own buffer).
        transposed = floats(partCapacity * (model.layers.dropFirst().map(\.inputs).max() ?? 1))
        transposedInput = floats(partCapacity * model.inputSize)
        transposedWeights = floats(model.layers.dropFirst().map { $0.inputs * $0.outputs }.max() ?? 1)
        let threadCount = threads.threadCount
        maximumParts = max(threadCount, 4)
        scratchPerThread = Kernels.matmulWorkspaceCount(k: max(widest, partCapacity))
        kernelScratch = floats(scratchPerThread * maximumParts)
        inputSize = model.inputSize
        firstLayerSplits = MLPWorkspace.balancedSplits(of: model.inputSize, weights: nil, parts: threadCount)
        gradientJobTimes = zeros(8 * (maximumParts + 1), of: UInt64.self)
        pipeline = PipelineProgress(parts: maximumParts, rowBlocks: (partCapacity + Kernels.sparseRows - 1) / Kernels.sparseRows,
                                    panelsPerBlock: Kernels.pipelinePanels(columns: model.layers.first?.outputs ?? 1))
        gradientTileCount = Kernels.sparseRows * (model.layers.first?.outputs ?? 1)
        gradientTiles = floats(gradientTileCount * maximumParts)
        inputNonzeros = .allocate(rows: capacity, columns: model.inputSize)
        inputNonzerosOfParts = (0..<maximumParts).map { _ in .allocate(rows: partCapacity, columns: model.inputSize) }
        transposedInputNonzeros = .allocate(rows: model.inputSize, columns: partCapacity)
        // The first hidden layer's units (none without a second layer).
        let hidden = model.layers.count > 1 ? model.layers[1].inputs : 0
        hiddenNonzeros = .allocate(rows: partCapacity, columns: max(hidden, 1))
        unitNonzeros = (0..<2).map { _ in .allocate(rows: max(hidden, 1), columns: partCapacity) }
        let secondOutputs = model.layers.count > 1 ? model.layers[1].outputs : 0
        secondLayerSplits = hidden > 0 ? MLPWorkspace.secondLayerSplits(units: hidden) : []
        secondPipeline = PipelineProgress(parts: 2, rowBlocks: (partCapacity + Kernels.sparseRows - 1) / Kernels.sparseRows,
                                          panelsPerBlock: Kernels.pipelinePanels(columns: secondOutputs))
        secondLayerScratchPerStage = Kernels.matmulWorkspaceCount(k: max(hidden, 1))
        secondLayerScratch = floats(2 * secondLayerScratchPerStage)
        // A part's transposed operands in the second layer's backward pass split by units; also the
        // transposed input of a following layer's weight gradient and the output layer's transposed weights.
        let laterLayers = model.layers.dropFirst()
        hiddenBackwardScratchPerPart = max(
            hidden * partCapacity + max(secondOutputs * partCapacity + hidden * partCapacity, secondOutputs * hidden),
            (laterLayers.map(\.inputs).max() ?? 0) * partCapacity,
            laterLayers.map { $0.inputs * $0.outputs }.max() ?? 0)
        hiddenBackwardScratch = floats(2 * hiddenBackwardScratchPerPart)
        groupOrder = zeros(partCapacity, of: Int32.self)
        groupPosition = zeros(partCapacity, of: Int32.self)
        groupedIndices = zeros(partCapacity, of: Int32.self)
        groupScratch = zeros(partCapacity, of: UInt64.self)
        groupedActivations = model.layers.prefix(2).map { floats(partCapacity * $0.outputs) }
        rowLosses = floats(partCapacity)
        labels = zeros(capacity, of: UInt8.self)
        predictions = zeros(capacity, of: Int32.self)
        self.allocations = allocations
    }

    deinit {
        for p in allocations { p.deallocate() }
        inputNonzeros.deallocate()
        for pattern in inputNonzerosOfParts { pattern.deallocate() }
        transposedInputNonzeros.deallocate()
        hiddenNonzeros.deallocate()
        for pattern in unitNonzeros { pattern.deallocate() }
    }

    /// Marks the start of a first-layer gradient job on `threads` threads.
    func gradientJobStarted(threads: Int) {
        gradientJobThreads = threads
        gradientJobTimes[0] = DispatchTime.now().uptimeNanoseconds
        for part in 1...maximumParts { gradientJobTimes[8 * part] = 0 }
    }

    /// Marks the end of part `part` of the gradient job (from its thread).
    func gradientJobPartFinished(_ part: Int) {
        gradientJobTimes[8 * (part + 1)] = DispatchTime.now().uptimeNanoseconds
    }

    /// The start of the last gradient job and when its two parts finished,
    /// if it ran as two parts on two threads and both finished.
    func lastTwoPartGradientJob() -> (start: UInt64, first: UInt64, second: UInt64)? {
        guard firstLayerSplits.count == 3, gradientJobThreads >= 2 else { return nil }
        let start = gradientJobTimes[0], first = gradientJobTimes[8], second = gradientJobTimes[16]
        guard start > 0, first >= start, second >= start else { return nil }
        return (start, first, second)
    }

    /// Moves the boundary between two parts' inputs (``firstLayerSplits`` =
    /// `[0, boundary, inputSize]`), in place: no allocation in the step loop.
    func moveFirstLayerBoundary(to boundary: Int) {
        precondition(firstLayerSplits.count == 3 && boundary % 16 == 0 && boundary >= 0 && boundary <= inputSize,
                     "a boundary between two parts, a multiple of 16")
        firstLayerSplits[1] = boundary
    }

    /// `[0, u, units]` with `u` half the units rounded up to a multiple of 16
    /// (at most `units`): part 0, which finishes its share of the first layer
    /// first, takes the larger share of the second layer's forward product.
    static func secondLayerSplits(units: Int) -> [Int] {
        [0, min(units, (units / 2 + 15) / 16 * 16), units]
    }

    /// Sets ``firstLayerSplits`` so that each thread's inputs hold about as
    /// many nonzero pixels of `images` (`count` images of ``MLP/inputSize``
    /// bytes; about a thousand of them, evenly spaced, are counted): the first
    /// layer's products skip zeros, so their work follows the nonzeros, not
    /// the pixel count.
    ///
    /// Also decides ``gathersInPipeline``: when four images taken together
    /// (four consecutive ones of each sampled image) are nonzero at no more
    /// than ``MLP/zeroSkippingDensity`` of the pixels, the first layer skips
    /// zeros in every batch without asking it (results do not depend on it,
    /// only time: Fashion-MNIST's are at 79%, and 65% once grouped).
    public func balanceFirstLayer(images: UnsafePointer<UInt8>, count: Int) {
        var nonzeros = [Double](repeating: 0, count: inputSize)
        var blocks = 0, blockNonzeros = 0
        for image in stride(from: 0, to: count, by: max(1, count / 1024)) {
            let row = images + image * inputSize
            for q in 0..<inputSize where row[q] != 0 { nonzeros[q] += 1 }
            guard image + Kernels.sparseRows <= count else { continue }
            blocks += 1
            for q in 0..<inputSize {
                var any = false
                for r in 0..<Kernels.sparseRows where row[r * inputSize + q] != 0 { any = true }
                if any { blockNonzeros += 1 }
            }
        }
        firstLayerSplits = MLPWorkspace.balancedSplits(of: inputSize, weights: nonzeros, parts: firstLayerSplits.count - 1)
        gathersInPipeline = blocks > 0 && Double(blockNonzeros) <= MLP.zeroSkippingDensity * Double(blocks * inputSize)
    }

    /// Sets ``firstLayerSplits``: `0 = s₀ ≤ s₁ ≤ … ≤ s_p =` the input size,
    /// multiples of 16 but the last, with `p` at most ``maximumParts``. A
    /// split with more parts than threads runs correctly, just not faster.
    public func setFirstLayerSplits(_ splits: [Int]) {
        precondition(splits.count >= 2 && splits.count - 1 <= maximumParts, "1 to \(maximumParts) parts")
        precondition(splits.first == 0 && splits.last == inputSize, "the splits run from 0 to \(inputSize)")
        precondition(zip(splits, splits.dropFirst()).allSatisfy { $0 <= $1 }, "the splits increase")
        precondition(splits.dropLast().allSatisfy { $0 % 16 == 0 }, "the splits are multiples of 16")
        firstLayerSplits = splits
    }

    /// `parts + 1` increasing multiples of 16 from 0 to `size` (the last is
    /// `size`) that cut `0..<size` into runs of about equal total `weights`
    /// (equal length without weights). Runs start at multiples of 16 so that
    /// each thread's rows of the weights start on a cache line.
    public static func balancedSplits(of size: Int, weights: [Double]?, parts: Int) -> [Int] {
        let weights = weights ?? [Double](repeating: 1, count: size)
        let total = weights.reduce(0, +)
        var splits = [0]
        var seen = 0.0, q = 0
        for part in 1..<max(parts, 1) {
            let target = total * Double(part) / Double(parts)
            while q < size && seen + weights[q] / 2 < target {
                seen += weights[q]
                q += 1
            }
            splits.append(min(size - size % 16, max(splits.last!, (q + 8) / 16 * 16)))
        }
        splits.append(size)
        return splits
    }
}
