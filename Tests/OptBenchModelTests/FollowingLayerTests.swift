@testable import OptBenchModel
import OptBenchKernels
import Testing

/// How the second layer's rows are shared among the parts of the first
/// layer's pipeline job (``FollowingLayer/rows(_:of:m:)``).
@Suite("Second layer's rows in the pipeline job")
struct FollowingLayerTests {
    @Test("every row exactly once, in order, in whole blocks of four", arguments: [2, 3, 4])
    func coversRows(parts: Int) {
        for m in 1...300 {
            let ranges = (0..<parts).map { FollowingLayer.rows($0, of: parts, m: m) }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == m, "m \(m)")
            for (a, b) in zip(ranges, ranges.dropFirst()) {
                #expect(a.upperBound == b.lowerBound, "m \(m): \(ranges)")
            }
            for r in ranges.dropLast() where !r.isEmpty {
                #expect(r.upperBound % Kernels.sparseRows == 0 || r.upperBound == m, "m \(m): \(ranges)")
            }
        }
    }

    @Test("the last part, which finishes the pipeline last, takes fewer rows")
    func lastPartTakesFewer() {
        #expect(FollowingLayer.rows(0, of: 2, m: 32) == 0..<20)
        #expect(FollowingLayer.rows(1, of: 2, m: 32) == 20..<32)
        #expect(FollowingLayer.rows(1, of: 2, m: 256).count == 128 - FollowingLayer.lastPartLag / 2)
        #expect(FollowingLayer.rows(0, of: 2, m: 1) == 0..<1)
        #expect(FollowingLayer.rows(1, of: 2, m: 1).isEmpty)
    }
}
