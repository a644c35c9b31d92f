import OptBenchKernels

/// Why an ``MLP`` runs the plain path (``DenseNetwork``) instead of its tuned
/// passes. The conditions are checked in one place,
/// ``MLP/fastPathRefusal(threads:)``.
public enum FastPathRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The hidden layers' activation is not ReLU: the tuned passes fuse
    /// `max(0, ·)` into the products and the mask `[A > 0]` into the backward
    /// products.
    case activation(Activation)
    /// The threads are not ``KernelThreads/shared``: the tuned passes run their
    /// jobs on the shared pool.
    case threadPool
    /// The pool has more threads than the tuned passes were written and
    /// measured for (their pipelines split the first layers between two
    /// threads).
    case threadCount(Int)

    public var description: String {
        switch self {
        case .activation(let activation): "the hidden activation is \(activation.rawValue), not relu"
        case .threadPool: "the threads are not the shared pool"
        case .threadCount(let count): "the pool has \(count) threads (the tuned passes use at most \(MLP.fastPathThreadLimit))"
        }
    }
}

/// The workspace of an ``MLP`` as a ``Model``: the tuned passes' and the plain
/// path's, each allocated when first used.
public final class MLPModelWorkspace {
    public let capacity: Int
    let model: MLP
    /// The plain path over the model's layers, built once for every call.
    let plainNetwork: DenseNetwork
    private var fastWorkspace: MLPWorkspace?
    private var plainWorkspace: DenseNetworkWorkspace?

    init(model: MLP, capacity: Int) {
        precondition(capacity > 0, "a workspace holds at least one sample")
        self.model = model
        self.plainNetwork = model.plainNetwork
        self.capacity = capacity
    }

    /// The tuned passes' workspace.
    public var fast: MLPWorkspace {
        if let fastWorkspace { return fastWorkspace }
        let workspace = MLPWorkspace(model: model, capacity: capacity)
        fastWorkspace = workspace
        return workspace
    }

    /// The plain path's workspace.
    public var plain: DenseNetworkWorkspace {
        if let plainWorkspace { return plainWorkspace }
        let workspace = DenseNetworkWorkspace(layers: model.layers, capacity: capacity)
        plainWorkspace = workspace
        return workspace
    }
}

extension MLP: Model {
    /// The most threads the tuned passes are used with.
    public static let fastPathThreadLimit = 2

    /// Why the tuned passes do not apply to this network on `threads`, or nil
    /// when they do: ReLU hidden layers, the shared pool, and at most
    /// ``fastPathThreadLimit`` threads in it. Otherwise every call of the
    /// ``Model`` requirements runs the plain path (``DenseNetwork``).
    public func fastPathRefusal(threads: KernelThreads = .shared) -> FastPathRefusal? {
        if let layer = layers.dropLast().first(where: { $0.activation != .relu }) {
            return .activation(layer.activation)
        }
        guard threads === KernelThreads.shared else { return .threadPool }
        guard threads.threadCount <= Self.fastPathThreadLimit else { return .threadCount(threads.threadCount) }
        return nil
    }

    /// Whether the tuned passes run on `threads` (``fastPathRefusal(threads:)`` is nil).
    public func fastPathApplies(threads: KernelThreads = .shared) -> Bool {
        fastPathRefusal(threads: threads) == nil
    }

    /// The plain path over this network's layers.
    public var plainNetwork: DenseNetwork { DenseNetwork(architecture) }

    public func makeWorkspace(capacity: Int) -> MLPModelWorkspace {
        MLPModelWorkspace(model: self, capacity: capacity)
    }

    public func lossAndGradient(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                                parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                                workspace: MLPModelWorkspace, threads: KernelThreads) -> CrossEntropyTotals {
        guard fastPathApplies(threads: threads) else {
            return workspace.plainNetwork.lossAndGradient(inputs: inputs, labels: labels, batch: batch, parameters: parameters,
                                                gradients: gradients, workspace: workspace.plain, threads: threads)
        }
        let fast = workspace.fast
        precondition(batch > 0 && batch <= fast.capacity, "batch \(batch) is not within 1...\(fast.capacity)")
        fast.input.update(from: inputs, count: batch * inputSize)
        fast.labels.update(from: labels, count: batch)
        return lossAndGradient(parameters: parameters, gradients: gradients, batch: batch, workspace: fast)
    }

    public func outputs(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                        parameters: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>?,
                        predictions: UnsafeMutablePointer<Int32>?, workspace: MLPModelWorkspace,
                        threads: KernelThreads) -> CrossEntropyTotals {
        guard fastPathApplies(threads: threads) else {
            return workspace.plainNetwork.outputs(inputs: inputs, labels: labels, batch: batch, parameters: parameters,
                                        probabilities: probabilities, predictions: predictions,
                                        workspace: workspace.plain, threads: threads)
        }
        let fast = workspace.fast
        precondition(batch > 0 && batch <= fast.capacity, "batch \(batch) is not within 1...\(fast.capacity)")
        fast.input.update(from: inputs, count: batch * inputSize)
        fast.labels.update(from: labels, count: batch)
        let totals = evaluate(parameters: parameters, batch: batch, workspace: fast)
        probabilities?.update(from: fast.probabilities, count: batch * classCount)
        predictions?.update(from: fast.predictions, count: batch)
        return totals
    }
}
