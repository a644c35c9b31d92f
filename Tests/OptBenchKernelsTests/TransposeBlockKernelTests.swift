import CKernelSupport
@testable import OptBenchKernels
import Testing

/// Each path's 16×16 block transpose (transpose_block.h) against the
/// definition `T[c·ld + r] = rows[r][c]`, with rows scattered in memory and a
/// target leading dimension wider than 16 whose gaps must stay untouched.
@Suite("Block transpose kernels")
struct TransposeBlockKernelTests {
    @Test("portable block transpose") func portable() { check(.portable) }

    @Test("AVX2 block transpose", .enabled(if: KernelPath.avx2.isSupported, skipReason(.avx2)))
    func avx2() { check(.avx2) }

    @Test("AVX-512 block transpose", .enabled(if: KernelPath.avx512.isSupported, skipReason(.avx512)))
    func avx512() { check(.avx512) }

    func check(_ path: KernelPath) {
        guard let table = path.table?.pointee else {
            Issue.record("no kernels built for \(path)")
            return
        }
        var rng = TestRandom(seed: 0x7A)
        let sourceLD = 37, ld = 21
        let source = rng.floats(16 * sourceLD + 3)
        let order = [5, 0, 15, 3, 9, 1, 12, 7, 2, 14, 6, 11, 4, 13, 8, 10]
        var target = [Float](repeating: .nan, count: 16 * ld)
        source.withUnsafeBufferPointer { s in
            let rows = order.map { UnsafePointer(s.baseAddress! + $0 * sourceLD + 3) }
            rows.withUnsafeBufferPointer { r in
                target.withUnsafeMutableBufferPointer { table.transpose_16x16(r.baseAddress!, $0.baseAddress!, ld) }
            }
        }
        for c in 0..<16 {
            for r in 0..<16 {
                #expect(target[c * ld + r].bitPattern == source[order[r] * sourceLD + 3 + c].bitPattern,
                        "\(path): element (\(r), \(c))")
            }
            for gap in 16..<ld { #expect(target[c * ld + gap].isNaN, "\(path): wrote past the block") }
        }
    }
}
