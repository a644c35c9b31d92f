import Foundation
import OptBenchKernels
import OptBenchModel
import Testing

@Suite("Passes on a pool passed in")
struct ThreadPoolTests {
    /// What one independent evaluation and gradient pass gives: the totals,
    /// probabilities and gradient (as bit patterns).
    struct Outcome: Equatable {
        var evaluation: CrossEntropyTotals
        var probabilities: [UInt32]
        var training: CrossEntropyTotals
        var gradient: [UInt32]
    }

    static let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [40, 20], classCount: 10))
    static let images = FusedUpdateTests.images(count: 80, width: 784, sparse: true)

    /// Evaluates and computes the gradient of the samples `seed` picks, on
    /// a workspace whose passes run on `threads`.
    static func outcome(seed: UInt64, threads: KernelThreads) -> Outcome {
        let batch = 48
        var rng = SeededGenerator(seed: seed, stream: 3)
        let indices: [Int32] = (0..<batch).map { _ in Int32(rng.nextInt(below: 80)) }
        let parameters = model.initialParameters(seed: seed)
        var gradient = [Float](repeating: 0, count: model.parameterCount)
        let workspace = MLPWorkspace(model: model, capacity: batch, threads: threads)
        for r in 0..<batch { workspace.labels[r] = UInt8((r + Int(seed)) % 10) }
        return images.withUnsafeBufferPointer { bytes in
            indices.withUnsafeBufferPointer { idx in
                parameters.withUnsafeBufferPointer { p in
                    let evaluation = model.evaluate(images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                                    workspace: workspace)
                    let probabilities = UnsafeBufferPointer(start: workspace.probabilities, count: batch * 10)
                        .map(\.bitPattern)
                    let training = gradient.withUnsafeMutableBufferPointer { g in
                        model.lossAndGradient(images: bytes.baseAddress!, indices: idx, parameters: p.baseAddress!,
                                              gradients: g.baseAddress!, workspace: workspace)
                    }
                    return Outcome(evaluation: evaluation, probabilities: probabilities, training: training,
                                   gradient: gradient.map(\.bitPattern))
                }
            }
        }
    }

    /// Two callers, each with its own one-thread pool and workspace, run at
    /// the same time and get what each gets alone on the shared pool.
    @Test("two evaluations at once on two one-thread pools give the shared pool's results")
    func twoSingleThreadPools() {
        let expected = [Self.outcome(seed: 1, threads: .shared), Self.outcome(seed: 2, threads: .shared)]
        let pools = [KernelThreads(threadCount: 1), KernelThreads(threadCount: 1)]
        // Each caller writes only its own element.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Outcome?>.allocate(capacity: 2)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results[i] = Self.outcome(seed: UInt64(i + 1), threads: pools[i])
        }
        #expect(results[0] == expected[0])
        #expect(results[1] == expected[1])
        #expect(pools.allSatisfy { $0.threadCount == 1 })
    }
}
