import CKernelSupport
import OptBenchKernels

/// Loads the parts of a training batch from images kept as bytes, and asks
/// the CPU to fetch the next batch's images ahead of time.
struct ImageBatchLoader {
    /// The images (``MLP/inputSize`` bytes each), the batch's and the next
    /// batch's indices into them (`next` may be empty).
    let images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>, next: UnsafeBufferPointer<Int32>
    let inputSize: Int, workspace: MLPWorkspace
    /// The images' ``SampleGrouping`` keys, to load each part in grouped order.
    var groupingKeys: UnsafeBufferPointer<UInt32>? = nil

    /// Whether the first layer's pipeline gathers each part itself
    /// (``MLPWorkspace/gathersInPipeline``, and the pipeline has several parts).
    var gathersInPipeline: Bool {
        workspace.gathersInPipeline && workspace.firstLayerSplits.count > 2
    }

    /// Gathers the samples `part` of the batch into `workspace.input` from
    /// row `row` on (a multiple of ``Kernels/sparseRows``), scaled, and lists
    /// their nonzeros in those rows of `workspace.inputNonzeros` — unless
    /// ``gathersInPipeline``: then it returns what the pipeline needs to
    /// gather them (``PipelineGather``).
    ///
    /// With grouping keys and `row` 0, the samples are gathered in grouped
    /// order, which is returned (it lives in the workspace until the next load
    /// or ``prepareGrouping(after:)``, whichever comes first: the gradient job
    /// prepares the next order after the pipeline that gathers with it).
    /// The order is the one ``prepareGrouping(after:)`` left when it is for
    /// these very samples.
    func load(_ part: Range<Int>, intoRow row: Int) -> (grouped: GroupedRows?, gather: PipelineGather?) {
        var samples = UnsafeBufferPointer(rebasing: indices[part])
        var grouped: GroupedRows?
        if groupingKeys != nil, row == 0 {
            if !(workspace.groupingPrepared && groupedOrderHolds(samples)) { group(samples) }
            workspace.groupingPrepared = false
            samples = UnsafeBufferPointer(start: workspace.groupedIndices, count: samples.count)
            grouped = GroupedRows(order: workspace.groupOrder, position: workspace.groupPosition)
        }
        if gathersInPipeline {
            return (grouped, PipelineGather(images: images, samples: samples))
        }
        Kernels.parallelGatherScaledRows(
            from: images, width: inputSize, indices: samples,
            into: workspace.input + row * inputSize,
            findingNonzerosInto: workspace.inputNonzeros.dropping(rowBlocks: row / Kernels.sparseRows),
            threads: workspace.threads)
        return (grouped, nil)
    }

    /// Sorts `samples` by their grouping keys into the workspace's grouped
    /// order (``SampleGrouping/order(keys:indices:into:scratch:)``).
    private func group(_ samples: UnsafeBufferPointer<Int32>) {
        SampleGrouping.order(keys: groupingKeys!, indices: samples, into: workspace.groupOrder,
                             scratch: workspace.groupScratch)
        for g in 0..<samples.count {
            let i = Int(workspace.groupOrder[g])
            workspace.groupedIndices[g] = samples[i]
            workspace.groupPosition[i] = Int32(truncatingIfNeeded: g)
        }
    }

    /// Whether the workspace's grouped order is one of exactly `samples`.
    private func groupedOrderHolds(_ samples: UnsafeBufferPointer<Int32>) -> Bool {
        guard workspace.groupedCount == samples.count else { return false }
        for g in 0..<samples.count where workspace.groupedIndices[g] != samples[Int(workspace.groupOrder[g])] {
            return false
        }
        return true
    }

    /// Groups the samples that follow `part` (those ``prefetch(thread:of:after:)``
    /// fetches) ahead of their load, from a thread that has time for it while
    /// the current step ends: the workspace's grouped order of `part` is no
    /// longer needed then.
    func prepareGrouping(after part: Range<Int>) {
        guard groupingKeys != nil else { return }
        let following = followingSamples(after: part)
        guard following.count > 0 else { return }
        group(following)
        workspace.groupedCount = following.count
        workspace.groupingPrepared = true
    }

    /// The samples loaded after `part`: the rest of the batch's next part,
    /// or else the next batch's first.
    private func followingSamples(after part: Range<Int>) -> UnsafeBufferPointer<Int32> {
        let following = part.upperBound < indices.count
            ? UnsafeBufferPointer(rebasing: indices[part.upperBound...]) : next
        return UnsafeBufferPointer(rebasing: following[..<min(following.count, MLP.samplesPerPart)])
    }

    /// Prefetches the images that thread `thread` (of `threads` active ones)
    /// will gather for the part that follows the samples `part`: the batch's
    /// next part, or else the next batch's first; those of the gather's parts
    /// it runs or, when the pipeline gathers (``gathersInPipeline``), the
    /// columns of every image that its parts of the pipeline gather.
    func prefetch(thread: Int, of threads: Int, after part: Range<Int>) {
        let following = followingSamples(after: part), rows = following.count
        if gathersInPipeline {
            // The columns of every image that this thread's parts of the pipeline gather.
            let splits = workspace.firstLayerSplits
            for part in stride(from: thread, to: splits.count - 1, by: threads) where splits[part + 1] > splits[part] {
                for r in 0..<rows {
                    optbench_prefetch(images + Int(following[r]) * inputSize + splits[part], splits[part + 1] - splits[part])
                }
            }
            return
        }
        let parts = Kernels.gatherParts(rows: rows, width: inputSize, threads: workspace.threads.threadCount)
        for part in stride(from: thread, to: parts, by: threads) {
            for r in Kernels.gatherRows(part, of: parts, rows: rows) {
                optbench_prefetch(images + Int(following[r]) * inputSize, inputSize)
            }
        }
    }
}

/// The samples of a part that the first layer's pipeline job gathers itself
/// (``ImageBatchLoader/gathersInPipeline``): each part converts its columns
/// of these images (``MLPWorkspace/firstLayerSplits``) into the part's rows
/// of the workspace's input and lists their nonzeros in its pattern
/// (``MLPWorkspace/inputNonzerosOfParts``).
struct PipelineGather {
    /// The images (``MLP/inputSize`` bytes each), and the samples in the
    /// order of the part's rows.
    let images: UnsafePointer<UInt8>, samples: UnsafeBufferPointer<Int32>
}
