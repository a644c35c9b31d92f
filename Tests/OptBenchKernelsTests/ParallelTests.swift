import Foundation
import OptBenchKernels
import Testing

/// Pools of 2, 3 and 4 threads, created once: their workers live for the
/// whole test process (and sleep when idle).
let testPools: [KernelThreads] = [KernelThreads(threadCount: 2), KernelThreads(threadCount: 3), KernelThreads(threadCount: 4)]

@Suite("Parallel kernels")
struct ParallelTests {
    /// Shapes above ``Kernels/parallelThreshold`` that take each split: by
    /// columns (wide `n`, or `m < 16`) and by rows (narrow `n`), with partial
    /// blocks at the ends; plus one below the threshold (single thread).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (32, 300, 20), (8, 300, 40), (15, 100, 50), (300, 10, 32), (784, 100, 3),
        (100, 33, 24), (57, 130, 9), (24, 10, 100),
    ]

    /// Each element of `C` is computed by one thread with the same arithmetic
    /// as the single-threaded kernel: identical bits for every thread count,
    /// every epilogue (the row split shifts the ReLU mask's rows), and nothing
    /// written outside the `m×n` window.
    @Test("parallelMatmul equals matmul bit for bit for 2, 3 and 4 threads",
          arguments: shapes.map { [$0.m, $0.n, $0.k] })
    func matchesSerial(shape: [Int]) {
        let problem = MatmulProblem(m: shape[0], n: shape[1], k: shape[2], padA: 1, padB: 3, padC: 5, padH: 2,
                                    seed: UInt64(shape[0] * 7 + shape[1]))
        for kind in EpilogueKind.allCases {
            let serial = problem.fast(kind).c
            for pool in testPools {
                var c = problem.sentinelC
                var workspace = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: problem.k, threads: pool))
                problem.withEpilogue(kind) { epilogue in
                    problem.a.withUnsafeBufferPointer { a in
                        problem.b.withUnsafeBufferPointer { b in
                            c.withUnsafeMutableBufferPointer { c in
                                workspace.withUnsafeMutableBufferPointer { w in
                                    Kernels.parallelMatmul(
                                        m: problem.m, n: problem.n, k: problem.k, a: a.baseAddress!, lda: problem.lda,
                                        b: b.baseAddress!, ldb: problem.ldb, c: c.baseAddress!, ldc: problem.ldc,
                                        epilogue: epilogue, workspace: w.baseAddress!, threads: pool)
                                }
                            }
                        }
                    }
                }
                // `serial` also starts from the sentinel: equal everywhere means
                // equal inside the window and untouched outside.
                let wrong = zip(serial, c).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(wrong == 0, "\(kind), \(pool.threadCount) threads: \(wrong) elements differ")
            }
        }
    }

    /// `parallelChunks` covers `0..<count` exactly once, in contiguous chunks
    /// whose inner boundaries are multiples of 64 (so vector loops stay aligned).
    @Test("parallelChunks covers the range once", arguments: [0, 1, 63, 64, 1000, 65_537, 266_610])
    func chunks(count: Int) {
        for pool in testPools {
            for minimum in [1, 100, 32_768] {
                var visits = [UInt8](repeating: 0, count: count)
                var starts = [UInt8](repeating: 0, count: count + 1)
                visits.withUnsafeMutableBufferPointer { v in
                    starts.withUnsafeMutableBufferPointer { s in
                        let v = v, s = s
                        Kernels.parallelChunks(count: count, minimumPerThread: minimum, threads: pool) { start, end in
                            s[start] = 1
                            for i in start..<end { v[i] += 1 }
                        }
                    }
                }
                let boundaries = starts.indices.filter { starts[$0] == 1 }
                #expect(visits.allSatisfy { $0 == 1 }, "\(pool.threadCount) threads, minimum \(minimum)")
                #expect(boundaries.allSatisfy { $0 % 64 == 0 })
            }
        }
    }

    /// A pool of one thread runs every part, in order, on the caller.
    @Test("a one-thread pool runs every part on the calling thread")
    func singleThread() {
        let pool = KernelThreads(threadCount: 1)
        var parts: [Int] = []
        pool.run(parts: 3) { parts.append($0) }
        #expect(parts == [0, 1, 2])
    }

    /// With fewer active threads than workers, every part still runs exactly once.
    @Test("a 4-thread pool with 2 active threads runs each part exactly once")
    func fewerActiveThanWorkers() {
        let pool = KernelThreads(threadCount: 4)
        pool.activeThreadCount = 2
        for parts in [2, 3, 4, 7] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            // Each part writes only its own slot, so the threads never share one.
            pool.run(parts: parts) { part in counts[part] += 1 }
            #expect(Array(counts) == Array(repeating: 1, count: parts), "\(parts) parts")
        }
    }

    /// A job value (the allocation-free hand-over the training step uses) runs
    /// every part exactly once on every pool size, reading the operands it
    /// carries, with parts beyond the thread count.
    @Test("a KernelJob value runs each part exactly once on 1 to 4 threads")
    func jobValue() {
        struct Scale: KernelJob {
            let input: UnsafePointer<Int>, output: UnsafeMutablePointer<Int>, factor: Int, counts: UnsafeMutablePointer<Int>
            func run(part: Int) {
                output[part] = input[part] * factor
                counts[part] += 1
            }
        }
        for pool in [KernelThreads.single] + testPools {
            for parts in [1, 2, 3, 5, 9] {
                let input = (0..<parts).map { $0 + 10 }
                var output = [Int](repeating: -1, count: parts), counts = [Int](repeating: 0, count: parts)
                input.withUnsafeBufferPointer { input in
                    output.withUnsafeMutableBufferPointer { output in
                        counts.withUnsafeMutableBufferPointer { counts in
                            pool.run(parts: parts, Scale(input: input.baseAddress!, output: output.baseAddress!,
                                                         factor: 3, counts: counts.baseAddress!))
                        }
                    }
                }
                #expect(output == input.map { $0 * 3 }, "\(pool.threadCount) threads, \(parts) parts")
                #expect(counts == Array(repeating: 1, count: parts), "\(pool.threadCount) threads, \(parts) parts")
            }
        }
    }

    /// With one active thread, a bigger pool still runs every part, on the caller.
    @Test("activeThreadCount 1 runs every part on the caller; the split gives the same product")
    func oneActiveThread() {
        let pool = KernelThreads(threadCount: 2)
        pool.activeThreadCount = 1
        var parts: [Int] = []
        pool.run(parts: 4) { parts.append($0) }
        #expect(parts == [0, 1, 2, 3])
        pool.activeThreadCount = 0
        #expect(pool.activeThreadCount == 1)
        pool.activeThreadCount = 5
        #expect(pool.activeThreadCount == 2)

        let (m, n, k) = (40, 300, 50)
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 104_729) % 997) / 997 - 0.5 }
        func product(active: Int) -> [Float] {
            pool.activeThreadCount = active
            var c = [Float](repeating: 0, count: m * n)
            var scratch = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: k, threads: pool))
            Kernels.parallelMatmul(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n,
                                   workspace: &scratch, threads: pool)
            return c
        }
        let one = product(active: 1)
        let two = product(active: 2)
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }

    /// Workers adopt the caller's flush-to-zero mode for the job.
    @Test("workers run with the caller's flush-to-zero mode")
    func workersFollowFlushMode() {
        let pool = testPools[2]
        for flush in [true, false, true] {
            var modes = [Bool](repeating: !flush, count: pool.threadCount)
            modes.withUnsafeMutableBufferPointer { m in
                let m = m
                let job = { pool.run(parts: pool.threadCount) { part in m[part] = Kernels.flushesToZero } }
                if flush { Kernels.withFlushToZero(job) } else { job() }
            }
            #expect(modes == [Bool](repeating: flush, count: pool.threadCount), "flush \(flush)")
        }
    }

    /// A job submitted right after the pool is created must run, even before
    /// the workers' threads have started (a worker that took the generation
    /// of that job as already seen would sleep while `run` waits for it
    /// forever). The pools are used from a helper thread so that a hang fails
    /// the test after 30 s instead of blocking the test run.
    @Test("a job submitted right after a pool is created runs")
    func freshPoolRunsFirstJob() {
        let done = DispatchSemaphore(value: 0)
        let helper = Thread {
            for _ in 0..<20 {
                let pool = KernelThreads(threadCount: 3)
                pool.run(parts: 3) { _ in }
            }
            done.signal()
        }
        helper.start()
        #expect(done.wait(timeout: .now() + 30) == .success,
                "KernelThreads.run hung on a freshly created pool (the helper thread is left spinning)")
    }
}
