import OptBenchKernels

extension MLP {
    /// Forward pass and loss without gradients: the summed cross-entropy and
    /// correct count of the batch; the softmax probabilities and predicted
    /// classes are left in `workspace.probabilities` and `workspace.predictions`.
    @discardableResult
    public func evaluate(parameters: UnsafePointer<Float>, batch: Int, workspace: MLPWorkspace) -> CrossEntropyTotals {
        forward(parameters: parameters, batch: batch, workspace: workspace)
        return softmaxOfBatch(batch, workspace: workspace)
    }

    /// ``evaluate(parameters:batch:workspace:)`` of the images `indices` of
    /// `images` (bytes, ``inputSize`` per image), each part of the batch
    /// loaded as ``loadBatch(images:indices:workspace:)`` does (or by the
    /// first layer's pipeline, when it gathers its input) and, with
    /// `grouping`, its samples ordered for the first layer's product as in
    /// training (``SampleGrouping``): the same results to the last bit. The
    /// labels are in `workspace.labels` already.
    @discardableResult
    public func evaluate(images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>,
                         parameters: UnsafePointer<Float>, workspace: MLPWorkspace,
                         grouping: SampleGrouping? = nil) -> CrossEntropyTotals {
        precondition(indices.count > 0 && indices.count <= workspace.capacity)
        return withGroupingKeys(grouping) { keys in
            let loader = ImageBatchLoader(images: images, indices: indices,
                                          next: UnsafeBufferPointer(start: nil, count: 0), inputSize: inputSize,
                                          workspace: workspace, groupingKeys: keys)
            for part in parts(of: indices.count) {
                let loaded = loader.load(part, intoRow: part.lowerBound)
                forward(rows: part, parameters: parameters, workspace: workspace, inputZerosFound: true,
                        grouped: loaded.grouped, gathering: loaded.gather)
            }
            return softmaxOfBatch(indices.count, workspace: workspace)
        }
    }

    /// The softmax cross-entropy of the first `batch` rows of logits, with
    /// the probabilities and predictions left in the workspace.
    func softmaxOfBatch(_ batch: Int, workspace: MLPWorkspace) -> CrossEntropyTotals {
        Kernels.softmaxCrossEntropy(
            m: batch, n: classCount, logits: workspace.activations[layers.count - 1], ldz: classCount,
            labels: workspace.labels, probabilities: workspace.probabilities,
            predictions: workspace.predictions)
    }
}
