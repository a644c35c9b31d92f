import OptBenchKernels
import Testing

@testable import OptBenchModel

@Suite("Grouping a batch's samples by their zeros")
struct SampleGroupingTests {
    @Test("the key holds the width, the top row and the nonzero count")
    func keys() {
        // 5 rows × 6 columns: nonzero at (1, 2), (1, 3) and (3, 0); then a blank image.
        var images = [UInt8](repeating: 0, count: 2 * 30)
        images[1 * 6 + 2] = 7
        images[1 * 6 + 3] = 255
        images[3 * 6 + 0] = 1
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 2, rows: 5, columns: 6) }
        #expect(grouping.keys == [3 << 24 | 1 << 16 | 3, 0 << 24 | 5 << 16 | 0])
    }

    @Test("the order sorts by key and keeps ties in batch order", arguments: [1, 2, 31, 32, 256])
    func order(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count), stream: 3)
        let keys: [UInt32] = (0..<100).map { _ in UInt32(rng.nextInt(below: 6)) << 16 }
        let indices: [Int32] = (0..<count).map { _ in Int32(rng.nextInt(below: 100)) }
        var order = [Int32](repeating: -1, count: count)
        var scratch = [UInt64](repeating: 0, count: count)
        keys.withUnsafeBufferPointer { k in
            indices.withUnsafeBufferPointer { i in
                SampleGrouping.order(keys: k, indices: i, into: &order, scratch: &scratch)
            }
        }
        #expect(order.sorted() == (0..<Int32(count)).map { $0 })
        let expected = (0..<count).sorted { (keys[Int(indices[$0])], $0) < (keys[Int(indices[$1])], $1) }
        #expect(order.map(Int.init) == expected)
    }

    /// Narrow and wide "objects" in random order: grouped, each block of four
    /// samples is nonzero at fewer pixels, so the forward product visits fewer.
    @Test("grouped blocks of four samples list fewer nonzero pixels")
    func fewerListedPixels() {
        var rng = SeededGenerator(seed: 11, stream: 5)
        let count = 64
        var images = [UInt8](repeating: 0, count: count * 784)
        for image in 0..<count {
            let narrow = rng.nextInt(below: 2) == 0
            let columns = narrow ? 11..<17 : 2..<26, top = 2 + rng.nextInt(below: 4)
            for r in top..<26 {
                for c in columns where rng.nextUnitFloat() < 0.9 { images[image * 784 + r * 28 + c] = 200 }
            }
        }
        let indices: [Int32] = (0..<Int32(32)).map { $0 * 2 }
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: count, rows: 28, columns: 28) }
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [16], classCount: 10))
        func listed(grouped: Bool) -> (listed: Int, grouped: GroupedRows?) {
            let workspace = MLPWorkspace(model: model, capacity: 32)
            return images.withUnsafeBufferPointer { bytes in
                grouping.keys.withUnsafeBufferPointer { keys in
                    indices.withUnsafeBufferPointer { idx in
                        let loader = ImageBatchLoader(images: bytes.baseAddress!, indices: idx,
                                                      next: UnsafeBufferPointer(start: nil, count: 0), inputSize: 784,
                                                      workspace: workspace, groupingKeys: grouped ? keys : nil)
                        let rows = loader.load(0..<32, intoRow: 0).grouped
                        return (workspace.inputNonzeros.listedCount(rowBlocks: 8), rows)
                    }
                }
            }
        }
        let plain = listed(grouped: false), grouped = listed(grouped: true)
        #expect(plain.grouped == nil && grouped.grouped != nil)
        #expect(Double(grouped.listed) < 0.9 * Double(plain.listed), "\(grouped.listed) against \(plain.listed)")
    }
}

@Suite("Evaluating with grouped samples")
struct GroupedEvaluationTests {
    /// Loading and evaluating with grouping gives the loss, the predictions
    /// and the probabilities of the plain evaluation, bit for bit, for one
    /// part and for two (256 + 44 samples; the second part is not grouped).
    @Test("the same totals, probabilities and predictions as without grouping", arguments: [1, 5, 32, 256, 300])
    func sameResults(batch: Int) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [40, 20], classCount: 10))
        let images = FusedUpdateTests.images(count: 60, width: 784, sparse: true)
        var rng = SeededGenerator(seed: UInt64(batch), stream: 8)
        let indices: [Int32] = (0..<batch).map { _ in Int32(rng.nextInt(below: 60)) }
        let parameters = model.initialParameters(seed: 6)
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 60, rows: 28, columns: 28) }
        func evaluate(grouped: Bool) -> (CrossEntropyTotals, [Float], [Int32]) {
            let workspace = MLPWorkspace(model: model, capacity: batch)
            for r in 0..<batch { workspace.labels[r] = UInt8(r % 10) }
            let totals = images.withUnsafeBufferPointer { bytes in
                indices.withUnsafeBufferPointer { idx in
                    parameters.withUnsafeBufferPointer { p in
                        if grouped {
                            return model.evaluate(images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                                  workspace: workspace, grouping: grouping)
                        }
                        model.loadBatch(images: bytes.baseAddress!, indices: idx, workspace: workspace)
                        return model.evaluate(parameters: p.baseAddress!, batch: batch, workspace: workspace)
                    }
                }
            }
            return (totals, Array(UnsafeBufferPointer(start: workspace.probabilities, count: batch * 10)),
                    Array(UnsafeBufferPointer(start: workspace.predictions, count: batch)))
        }
        let plain = evaluate(grouped: false), grouped = evaluate(grouped: true)
        #expect(grouped.0 == plain.0)
        #expect(grouped.1.map(\.bitPattern) == plain.1.map(\.bitPattern))
        #expect(grouped.2 == plain.2)
    }
}

@Suite("Gathering the input in the first layer's pipeline")
struct PipelineGatherTests {
    /// Image-like bytes sparse enough for the pipeline to gather them: an
    /// object of random width and top, 90% filled, on a zero background.
    static func objects(count: Int) -> [UInt8] {
        var rng = SeededGenerator(seed: 17, stream: 9)
        var images = [UInt8](repeating: 0, count: count * 784)
        for image in 0..<count {
            let left = 2 + rng.nextInt(below: 10), right = 16 + rng.nextInt(below: 10), top = 2 + rng.nextInt(below: 6)
            for r in top..<26 {
                for c in left..<right where rng.nextUnitFloat() < 0.9 {
                    images[image * 784 + r * 28 + c] = UInt8(1 + rng.nextInt(below: 255))
                }
            }
        }
        return images
    }

    /// A workspace whose first layer runs as a pipeline of the parts
    /// `splits`, gathering the input itself or not.
    static func workspace(model: MLP, capacity: Int, images: [UInt8], splits: [Int], gathering: Bool) -> MLPWorkspace {
        let workspace = MLPWorkspace(model: model, capacity: capacity)
        if gathering {
            images.withUnsafeBufferPointer { workspace.balanceFirstLayer(images: $0.baseAddress!, count: images.count / 784) }
        }
        workspace.setFirstLayerSplits(splits)
        #expect(workspace.gathersInPipeline == gathering)
        return workspace
    }

    @Test("dense images are gathered before the pipeline, as they may not skip zeros")
    func denseImagesNotInPipeline() {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [16], classCount: 10))
        let images = [UInt8](repeating: 3, count: 8 * 784)
        let workspace = MLPWorkspace(model: model, capacity: 4)
        images.withUnsafeBufferPointer { workspace.balanceFirstLayer(images: $0.baseAddress!, count: 8) }
        #expect(!workspace.gathersInPipeline)
    }

    /// Evaluation, grouped, with the input gathered by the pipeline's parts
    /// or before: the same totals, probabilities and predictions, bit for
    /// bit (one part, two parts of 256 + 44 samples, an empty first part).
    @Test("evaluation gives the same results", arguments: [(5, [0, 384, 784]), (32, [0, 384, 784]), (300, [0, 400, 784]),
                                                           (32, [0, 0, 784]), (32, [0, 208, 512, 784])])
    func sameEvaluation(batch: Int, splits: [Int]) {
        // 70 first-layer units: two panels (64 + 6) handed from part to part.
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [70, 20], classCount: 10))
        let images = Self.objects(count: 60)
        var rng = SeededGenerator(seed: UInt64(batch), stream: 8)
        let indices: [Int32] = (0..<batch).map { _ in Int32(rng.nextInt(below: 60)) }
        let parameters = model.initialParameters(seed: 6)
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 60, rows: 28, columns: 28) }
        func evaluate(gathering: Bool) -> (CrossEntropyTotals, [Float], [Int32]) {
            let workspace = Self.workspace(model: model, capacity: batch, images: images, splits: splits, gathering: gathering)
            for r in 0..<batch { workspace.labels[r] = UInt8(r % 10) }
            let totals = images.withUnsafeBufferPointer { bytes in
                indices.withUnsafeBufferPointer { idx in
                    parameters.withUnsafeBufferPointer { p in
                        model.evaluate(images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                       workspace: workspace, grouping: grouping)
                    }
                }
            }
            return (totals, Array(UnsafeBufferPointer(start: workspace.probabilities, count: batch * 10)),
                    Array(UnsafeBufferPointer(start: workspace.predictions, count: batch)))
        }
        let before = evaluate(gathering: false), inPipeline = evaluate(gathering: true)
        #expect(inPipeline.0 == before.0)
        let differing = zip(before.1, inPipeline.1).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(before.1.count) probabilities differ")
        #expect(inPipeline.2 == before.2)
    }

    /// Training steps with SGD applied by the pass (from the registers), one
    /// and two hidden layers, the next batch prefetched and grouped ahead and
    /// the parts' boundary moving between steps: the same parameters, bit
    /// for bit. 300 samples are two parts of the batch (256 + 44), each
    /// gathered into the first rows in turn.
    @Test("training steps give the same parameters",
          arguments: [([40], 32), ([50, 30], 32), ([50, 30], 77), ([24], 8), ([70, 30], 300)])
    func sameTraining(hidden: [Int], batch: Int) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: hidden, classCount: 10))
        let images = Self.objects(count: 60)
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 60, rows: 28, columns: 28) }
        func train(gathering: Bool) -> [Float] {
            let workspace = Self.workspace(model: model, capacity: 2 * batch, images: images, splits: [0, 384, 784],
                                           gathering: gathering)
            var parameters = model.initialParameters(seed: 3)
            var gradient = [Float](repeating: 0, count: model.parameterCount)
            var updates = [Int](repeating: 0, count: model.parameterCount)
            var rng = SeededGenerator(seed: 5, stream: 1)
            let all: [[Int32]] = (0..<4).map { _ in (0..<batch).map { _ in Int32(rng.nextInt(below: 60)) } }
            for step in 0..<3 {
                let indices = all[step], following = all[step + 1]
                // The boundary moves between steps, as the balancer moves it.
                workspace.setFirstLayerSplits(step % 2 == 0 ? [0, 384, 784] : [0, 416, 784])
                for r in 0..<batch { workspace.labels[r] = UInt8(indices[r] % 10) }
                images.withUnsafeBufferPointer { bytes in
                    indices.withUnsafeBufferPointer { idx in
                        parameters.withUnsafeMutableBufferPointer { p in
                            gradient.withUnsafeMutableBufferPointer { g in
                                updates.withUnsafeMutableBufferPointer { u in
                                    following.withUnsafeBufferPointer { next in
                                        _ = model.lossAndGradient(
                                            images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                            gradients: g.baseAddress!, workspace: workspace, prefetching: next,
                                            grouping: grouping,
                                            update: FusedUpdateTests.DescentUpdate(parameters: p.baseAddress!,
                                                                                   updates: u.baseAddress!))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return parameters
        }
        let before = train(gathering: false), inPipeline = train(gathering: true)
        let differing = zip(before, inPipeline).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(before.count) parameters differ")
        #expect(before != model.initialParameters(seed: 3))
    }
}

@Suite("Grouping the next batch ahead of its load")
struct PreparedGroupingTests {
    /// The order prepared during a step is used when the next load is of those
    /// very samples, and ignored (recomputed) otherwise: either way each part
    /// is loaded in the order of a fresh sort.
    @Test("a prepared order is used only for the samples it was made for")
    func preparedOrder() {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [16], classCount: 10))
        let images = FusedUpdateTests.images(count: 60, width: 784, sparse: true)
        let grouping = images.withUnsafeBufferPointer { SampleGrouping(images: $0.baseAddress!, count: 60, rows: 28, columns: 28) }
        var rng = SeededGenerator(seed: 21, stream: 2)
        let batches: [[Int32]] = (0..<3).map { _ in (0..<32).map { _ in Int32(rng.nextInt(below: 60)) } }
        /// Loads `batch` (after preparing `prepared` as the next batch of `before`, if given).
        /// With `swapping`, the prepared order's first two samples are swapped
        /// (still an order of the same samples) to see whether the load uses it.
        func load(_ batch: [Int32], preparing prepared: [Int32]?,
                  swapping: Bool = false) -> (order: [Int32], input: [Float], wasPrepared: Bool) {
            let workspace = MLPWorkspace(model: model, capacity: 32)
            return images.withUnsafeBufferPointer { bytes in
                grouping.keys.withUnsafeBufferPointer { keys in
                    var wasPrepared = false
                    if let prepared {
                        batches[2].withUnsafeBufferPointer { before in
                            prepared.withUnsafeBufferPointer { next in
                                ImageBatchLoader(images: bytes.baseAddress!, indices: before, next: next, inputSize: 784,
                                                 workspace: workspace, groupingKeys: keys).prepareGrouping(after: 0..<32)
                            }
                        }
                        wasPrepared = workspace.groupingPrepared
                        if swapping {
                            (workspace.groupOrder[0], workspace.groupOrder[1]) = (workspace.groupOrder[1], workspace.groupOrder[0])
                            (workspace.groupedIndices[0], workspace.groupedIndices[1]) =
                                (workspace.groupedIndices[1], workspace.groupedIndices[0])
                            for g in 0..<2 { workspace.groupPosition[Int(workspace.groupOrder[g])] = Int32(g) }
                        }
                    }
                    return batch.withUnsafeBufferPointer { idx in
                        let loader = ImageBatchLoader(images: bytes.baseAddress!, indices: idx,
                                                      next: UnsafeBufferPointer(start: nil, count: 0), inputSize: 784,
                                                      workspace: workspace, groupingKeys: keys)
                        let grouped = loader.load(0..<32, intoRow: 0).grouped!
                        return (Array(UnsafeBufferPointer(start: grouped.order, count: 32)),
                                Array(UnsafeBufferPointer(start: workspace.input, count: 32 * 784)), wasPrepared)
                    }
                }
            }
        }
        let fresh = load(batches[0], preparing: nil)
        let prepared = load(batches[0], preparing: batches[0])
        let otherPrepared = load(batches[0], preparing: batches[1])
        let swapped = load(batches[0], preparing: batches[0], swapping: true)
        #expect(prepared.wasPrepared && otherPrepared.wasPrepared)
        // The prepared order is the one used.
        var expected = fresh.order
        expected.swapAt(0, 1)
        #expect(swapped.order == expected)
        #expect(fresh.order != (0..<32).map { Int32($0) })
        for outcome in [prepared, otherPrepared] {
            #expect(outcome.order == fresh.order)
            #expect(outcome.input.map(\.bitPattern) == fresh.input.map(\.bitPattern))
        }
    }
}
