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
    let transposed: UnsafeMutablePointer<Float>
    let transposedWeights: UnsafeMutablePointer<Float>
    let kernelScratch: UnsafeMutablePointer<Float>
    /// Floats of `kernelScratch` per thread.
    let scratchPerThread: Int
    /// Where the input is nonzero, per block of four rows (for the whole
    /// batch), and where a part's transposed input is: the first layer's
    /// products skip the zeros.
    let inputNonzeros: NonzeroPattern
    let transposedInputNonzeros: NonzeroPattern
    private var allocations: [UnsafeMutableRawPointer] = []

    public init(model: MLP, capacity: Int) {
        precondition(capacity > 0, "a workspace holds at least one sample")
        self.capacity = capacity
        var allocations: [UnsafeMutableRawPointer] = []
        func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            allocations.append(UnsafeMutableRawPointer(p))
            return p
        }
        input = floats(capacity * model.inputSize)
        activations = model.layers.map { floats(capacity * $0.outputs) }
        deltas = model.layers.map { floats(capacity * $0.outputs) }
        probabilities = floats(capacity * model.classCount)
        let widest = model.architecture.layerWidths.max() ?? 1
        // Only a part of a batch (MLP.samplesPerPart) is transposed at a time.
        let partCapacity = min(capacity, MLP.samplesPerPart)
        transposed = floats(partCapacity * widest)
        transposedWeights = floats(model.layers.dropFirst().map { $0.inputs * $0.outputs }.max() ?? 1)
        scratchPerThread = Kernels.matmulWorkspaceCount(k: max(widest, partCapacity))
        kernelScratch = floats(Kernels.parallelMatmulWorkspaceCount(k: max(widest, partCapacity)))
        inputNonzeros = .allocate(rows: capacity, columns: model.inputSize)
        transposedInputNonzeros = .allocate(rows: model.inputSize, columns: partCapacity)
        labels = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        labels.initialize(repeating: 0, count: capacity)
        allocations.append(UnsafeMutableRawPointer(labels))
        predictions = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        predictions.initialize(repeating: 0, count: capacity)
        allocations.append(UnsafeMutableRawPointer(predictions))
        self.allocations = allocations
    }

    deinit {
        for p in allocations { p.deallocate() }
        inputNonzeros.deallocate()
        transposedInputNonzeros.deallocate()
    }
}
