import OptBenchKernels

/// A classifier whose parameters are one flat `Float` vector: what the
/// ``Trainer`` and the experiments train and evaluate.
///
/// Inputs are `Float` matrices, one sample per row (`inputs` is
/// `(batch, inputSize)`), labels one class index per sample; the loss is the
/// softmax cross-entropy of the model's logits, as Keras's
/// `SparseCategoricalCrossentropy(from_logits=True)` computes it: summed over
/// the batch in the returned totals, and its gradient that of the *mean*.
///
/// Every call takes the ``KernelThreads`` it may use. The results do not
/// depend on their thread count, bit for bit.
///
/// ```swift
/// let network = DenseNetwork(MLPArchitecture(inputSize: 4, hiddenSizes: [8], classCount: 3,
///                                            hiddenActivation: .tanh))
/// let workspace = network.makeWorkspace(capacity: 2)
/// var parameters = network.initialParameters(seed: 1)
/// var gradients = [Float](repeating: 0, count: network.parameterCount)
/// let totals = try network.lossAndGradient(inputs: x, labels: y, batch: 2, parameters: parameters,
///                                      gradients: &gradients, workspace: workspace)
/// ```
public protocol Model: Sendable {
    /// Scratch memory for batches of up to a capacity: allocated once, reused
    /// by every call (one call at a time).
    associatedtype Workspace: AnyObject

    /// Length of the parameter (and gradient) vector.
    var parameterCount: Int { get }
    /// Features per sample.
    var inputSize: Int { get }
    /// Number of classes: the width of the logits.
    var classCount: Int { get }

    /// The initial parameters drawn from `seed`; the same seed gives the same
    /// vector bit for bit.
    func initialParameters(seed: UInt64) -> [Float]

    /// A workspace for batches of 1 ... `capacity` samples (`capacity ≥ 1`).
    func makeWorkspace(capacity: Int) -> Workspace

    /// The summed loss and correct count of a batch, with the gradient of the
    /// *mean* loss with respect to every parameter written to `gradients`
    /// (``parameterCount`` values, the parameters' layout).
    ///
    /// `inputs` is `(batch, inputSize)`, `labels` `(batch)` with values below
    /// ``classCount``; `1 ≤ batch ≤` the workspace's capacity.
    func lossAndGradient(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                         parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                         workspace: Workspace, threads: KernelThreads) -> CrossEntropyTotals

    /// The forward pass alone: the summed loss and correct count of a batch,
    /// and, when given, each sample's softmax probabilities
    /// (`(batch, classCount)`) and predicted class (the first largest logit).
    func outputs(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                 parameters: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>?,
                 predictions: UnsafeMutablePointer<Int32>?, workspace: Workspace,
                 threads: KernelThreads) -> CrossEntropyTotals
}

extension Model {
    /// ``lossAndGradient(inputs:labels:batch:parameters:gradients:workspace:threads:)``
    /// on arrays, on the shared threads by default; bad arguments throw
    /// (``validate(inputs:labels:batch:vectorLengths:)``) before any work.
    @discardableResult
    public func lossAndGradient(inputs: [Float], labels: [UInt8], batch: Int, parameters: [Float],
                                gradients: inout [Float], workspace: Workspace,
                                threads: KernelThreads = .shared) throws(ModelInputError) -> CrossEntropyTotals {
        try validate(inputs: inputs, labels: labels, batch: batch, vectorLengths: [parameters.count, gradients.count])
        return inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                parameters.withUnsafeBufferPointer { p in
                    gradients.withUnsafeMutableBufferPointer { g in
                        lossAndGradient(inputs: x.baseAddress!, labels: y.baseAddress!, batch: batch,
                                        parameters: p.baseAddress!, gradients: g.baseAddress!,
                                        workspace: workspace, threads: threads)
                    }
                }
            }
        }
    }

    /// ``outputs(inputs:labels:batch:parameters:probabilities:predictions:workspace:threads:)``
    /// on arrays, returning the probabilities and predictions; bad arguments
    /// throw before any work.
    public func outputs(inputs: [Float], labels: [UInt8], batch: Int, parameters: [Float], workspace: Workspace,
                        threads: KernelThreads = .shared) throws(ModelInputError)
        -> (totals: CrossEntropyTotals, probabilities: [Float], predictions: [Int32]) {
        try validate(inputs: inputs, labels: labels, batch: batch, vectorLengths: [parameters.count])
        var probabilities = [Float](repeating: 0, count: batch * classCount)
        var predictions = [Int32](repeating: 0, count: batch)
        let totals = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                parameters.withUnsafeBufferPointer { p in
                    probabilities.withUnsafeMutableBufferPointer { q in
                        predictions.withUnsafeMutableBufferPointer { c in
                            outputs(inputs: x.baseAddress!, labels: y.baseAddress!, batch: batch,
                                    parameters: p.baseAddress!, probabilities: q.baseAddress!,
                                    predictions: c.baseAddress!, workspace: workspace, threads: threads)
                        }
                    }
                }
            }
        }
        return (totals, probabilities, predictions)
    }
}
