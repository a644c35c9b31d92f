import CKernelSupport
import Foundation

/// Flags through which the parts of a pipelined job tell each other which
/// row blocks they have finished (see ``Kernels/pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``).
///
/// Part `p` publishes row block `r` once its share of that block is written;
/// part `p + 1` waits for it before it continues the block. With several
/// panels per block, each of a block's column panels (``Kernels/pipelinePanels(columns:)``)
/// is published and waited for on its own, so that the next part starts a
/// block as soon as its first panel is done: a part then waits at most a
/// panel's time for the one before it, rather than a block's. Each job starts a
/// new generation (``begin()``), so flags never need clearing: a flag counts as
/// set when it holds the current generation. Publishing has release and waiting
/// acquire semantics, so the waiting part sees everything written before.
public final class PipelineProgress: @unchecked Sendable {
    /// Parts the flags are kept for.
    public let parts: Int
    /// Row blocks the flags are kept for.
    public let rowBlocks: Int
    /// Flags per row block: 1, or the number of column panels of the
    /// products it is used for.
    public let panelsPerBlock: Int
    private let flags: UnsafeMutablePointer<Int>
    /// The current job's generation (0 before the first job).
    public private(set) var generation = 0

    /// Flags for `parts` parts of up to `rowBlocks` row blocks each, of
    /// `panelsPerBlock` panels each.
    public init(parts: Int, rowBlocks: Int, panelsPerBlock: Int = 1) {
        precondition(parts > 0 && rowBlocks > 0 && panelsPerBlock > 0)
        self.parts = parts
        self.rowBlocks = rowBlocks
        self.panelsPerBlock = panelsPerBlock
        flags = .allocate(capacity: parts * rowBlocks * panelsPerBlock)
        flags.initialize(repeating: 0, count: parts * rowBlocks * panelsPerBlock)
    }

    deinit { flags.deallocate() }

    /// Starts a job: every flag reads as not set. Call it before the job's
    /// threads start, from the thread that starts them.
    public func begin() {
        generation += 1
    }

    /// Marks panel `panel` of row block `block` of part `part` as finished.
    @inlinable
    public func publish(part: Int, block: Int, panel: Int = 0) {
        optbench_store_release(flag(part: part, block: block, panel: panel), generation)
    }

    /// Spins until part `part` has finished panel `panel` of row block
    /// `block`. After a few thousand spins (tens of microseconds) it also
    /// yields the CPU, in case the part it waits for needs this very CPU
    /// (more threads than CPUs, or unpinned threads).
    @inlinable
    public func wait(part: Int, block: Int, panel: Int = 0) {
        let flag = flag(part: part, block: block, panel: panel), target = generation
        var spins = 0
        while optbench_load_acquire(flag) < target {
            optbench_cpu_relax()
            spins &+= 1
            if spins > 4_000 { sched_yield() }
        }
    }

    /// Spins until part `part` has finished the whole row block `block`
    /// (its last panel: a part publishes a block's panels in order).
    @inlinable
    public func waitForBlock(part: Int, block: Int) {
        wait(part: part, block: block, panel: panelsPerBlock - 1)
    }

    @usableFromInline
    func flag(part: Int, block: Int, panel: Int) -> UnsafeMutablePointer<Int> {
        precondition(part >= 0 && part < parts && block >= 0 && block < rowBlocks && panel >= 0 && panel < panelsPerBlock,
                     "pipeline flag \(part), \(block), \(panel) outside \(parts) × \(rowBlocks) × \(panelsPerBlock)")
        return flags + (part * rowBlocks + block) * panelsPerBlock + panel
    }
}
