/// Moves the boundary between the two threads' inputs of the first layer
/// (``MLPWorkspace/firstLayerSplits``) during training, so that both finish
/// the first layer's gradient job at the same time.
///
/// ``MLPWorkspace/balanceFirstLayer(images:count:)`` gives both threads as
/// many nonzero pixels, which is not quite as much time: the parts also do
/// different other work, and the two virtual CPUs of this machine do not
/// always run at the same speed (for seconds at a time one of them can take
/// up to twice as long), and a job cut in halves waits for the slower. After each
/// step the balancer compares when the two parts of the gradient job finished
/// (smoothed over steps) and moves 16 inputs from the later part to the other
/// when the gap is more than those inputs' share of the job. The same
/// boundary cuts the forward pipeline, so the two largest jobs of a step
/// follow.
///
/// Results do not change: for any boundary each product sums the same
/// products in the same order (see ``Kernels/pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``).
public struct FirstLayerBalancer {
    /// Part 0's finish minus part 1's, smoothed over steps (nanoseconds).
    public private(set) var smoothedLag = 0.0
    /// Weight of the newest step in ``smoothedLag``.
    public static let smoothing = 0.25

    public init() {}

    /// Looks at the gradient job of the step just taken (when it ran as two
    /// parts on two threads) and moves the boundary by 16 inputs if needed.
    /// Allocates nothing.
    public mutating func afterStep(_ workspace: MLPWorkspace) {
        guard let job = workspace.lastTwoPartGradientJob() else { return }
        let size = workspace.inputSize
        let lag = Double(job.first) - Double(job.second)
        smoothedLag += Self.smoothing * (lag - smoothedLag)
        // Moving 16 inputs changes the gap by about twice their share of the job.
        let duration = Double(max(job.first, job.second) - job.start)
        let threshold = duration * 16 / Double(max(size / 2, 16))
        var boundary = workspace.firstLayerSplits[1]
        if smoothedLag > threshold && boundary >= 32 {
            boundary -= 16
        } else if smoothedLag < -threshold && boundary + 32 <= size {
            boundary += 16
        } else {
            return
        }
        workspace.moveFirstLayerBoundary(to: boundary)
        smoothedLag = 0  // judge the new boundary on its own steps
    }
}
