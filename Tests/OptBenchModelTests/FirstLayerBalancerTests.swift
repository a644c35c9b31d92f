import Testing

@testable import OptBenchModel

/// The balancer reads the gradient job's start and finish times from the
/// workspace; these tests write them as a job would, with made-up times.
@Suite("Balancing the first layer between two threads")
struct FirstLayerBalancerTests {
    static let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [30], classCount: 10))

    /// Records a two-part job on two threads that took `duration` µs, part 0
    /// finishing `lag` µs after part 1 (before it when negative).
    static func recordJob(_ workspace: MLPWorkspace, duration: Double, lag: Double) {
        workspace.gradientJobThreads = 2
        let start: UInt64 = 1_000_000_000
        let late = start + UInt64(duration * 1000), early = late - UInt64(abs(lag) * 1000)
        workspace.gradientJobTimes[0] = start
        workspace.gradientJobTimes[8] = lag >= 0 ? late : early
        workspace.gradientJobTimes[16] = lag >= 0 ? early : late
    }

    @Test("a part that keeps finishing later gives up 16 inputs at a time, down to 16")
    func movesAwayFromTheSlowerPart() {
        let workspace = MLPWorkspace(model: Self.model, capacity: 32)
        workspace.setFirstLayerSplits([0, 400, 784])
        var balancer = FirstLayerBalancer()
        var boundaries: [Int] = []
        for _ in 0..<200 {
            Self.recordJob(workspace, duration: 60, lag: 10)
            balancer.afterStep(workspace)
            boundaries.append(workspace.firstLayerSplits[1])
        }
        // 60 µs over 392 inputs a part: a move when the smoothed gap passes 2.4 µs.
        #expect(boundaries.first == 384)
        #expect(zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 - $1 == 0 || $0 - $1 == 16 })
        #expect(boundaries.last == 16)
        #expect(workspace.firstLayerSplits.first == 0 && workspace.firstLayerSplits.last == 784)

        for _ in 0..<200 {
            Self.recordJob(workspace, duration: 60, lag: -10)
            balancer.afterStep(workspace)
        }
        #expect(workspace.firstLayerSplits == [0, 768, 784])
    }

    @Test("small gaps, one-thread jobs and jobs that did not run move nothing")
    func staysPut() {
        let workspace = MLPWorkspace(model: Self.model, capacity: 32)
        workspace.setFirstLayerSplits([0, 400, 784])
        var balancer = FirstLayerBalancer()
        for step in 0..<100 {
            // ±2 µs of noise on a 60 µs job stays below the threshold.
            Self.recordJob(workspace, duration: 60, lag: step % 2 == 0 ? 2 : -2)
            balancer.afterStep(workspace)
        }
        #expect(workspace.firstLayerSplits == [0, 400, 784])
        for _ in 0..<20 {
            Self.recordJob(workspace, duration: 60, lag: 30)
            workspace.gradientJobThreads = 1      // both parts ran on one thread, one after the other
            balancer.afterStep(workspace)
        }
        #expect(workspace.firstLayerSplits == [0, 400, 784])
        Self.recordJob(workspace, duration: 60, lag: 30)
        workspace.gradientJobStarted(threads: 2)   // a job that started but whose parts did not finish
        for _ in 0..<20 { balancer.afterStep(workspace) }
        #expect(workspace.firstLayerSplits == [0, 400, 784])
    }
}
