import CKernelSupport
@testable import OptBenchKernels
import Testing

/// Each path's optimizer rules (optimizer_rules.h) against plain scalar Swift
/// twins of Keras's arithmetic, bit for bit, for every run length from 1 to
/// 40 (the 16-wide vectors and the scalar tail) and a long one. A path this
/// CPU cannot run is a reported skip.
@Suite("Optimizer rule kernels")
struct OptimizerRuleKernelTests {
    @Test("portable rules equal the scalar twins")
    func portable() { check(.portable) }

    @Test("AVX2 rules equal the scalar twins", .enabled(if: KernelPath.avx2.isSupported, skipReason(.avx2)))
    func avx2() { check(.avx2) }

    @Test("AVX-512 rules equal the scalar twins", .enabled(if: KernelPath.avx512.isSupported, skipReason(.avx512)))
    func avx512() { check(.avx512) }

    static let counts = Array(1...40) + [301]

    func check(_ path: KernelPath) {
        guard let table = path.table?.pointee else {
            Issue.record("no kernels built for \(path)")
            return
        }
        var rng = TestRandom(seed: 0x0971)
        for count in Self.counts {
            let g = rng.floats(count, in: -2, 2)
            for (mu, nesterov) in [(Float(0), false), (0.9, false), (0.9, true)] {
                var w = rng.floats(count), v = rng.floats(count)
                var (w0, v0) = (w, v)
                table.sgd_update(count, &w, g, &v, 0.01, mu, nesterov ? 1 : 0)
                for i in 0..<count {
                    if mu == 0 { w0[i] = w0[i] - 0.01 * g[i]; continue }
                    let vi = mu * v0[i] - 0.01 * g[i]
                    v0[i] = vi
                    w0[i] = w0[i] + (nesterov ? mu * vi - 0.01 * g[i] : vi)
                }
                #expect(w.map(\.bitPattern) == w0.map(\.bitPattern), "sgd μ=\(mu) nesterov=\(nesterov) n=\(count)")
                #expect(v.map(\.bitPattern) == v0.map(\.bitPattern), "sgd velocity n=\(count)")
            }
            for (mu, centered) in [(Float(0), false), (0.5, false), (0, true), (0.5, true)] {
                var w = rng.floats(count), s = rng.floats(count, in: 0, 1), m = rng.floats(count),
                    a = rng.floats(count, in: -0.1, 0.1)
                var (w0, s0, m0, a0) = (w, s, m, a)
                let (lr, rho, oneMinusRho, eps): (Float, Float, Float, Float) = (0.001, 0.9, 0.1, 1e-7)
                table.rmsprop_update(count, &w, g, &s, &m, &a, lr, rho, oneMinusRho, mu, eps, centered ? 1 : 0)
                for i in 0..<count {
                    s0[i] = rho * s0[i] + oneMinusRho * (g[i] * g[i])
                    var d = s0[i]
                    if centered {
                        a0[i] = rho * a0[i] + oneMinusRho * g[i]
                        d -= a0[i] * a0[i]
                    }
                    let increment = (lr * g[i]) / (d + eps).squareRoot()
                    if mu > 0 {
                        m0[i] = mu * m0[i] + increment
                        w0[i] = w0[i] - m0[i]
                    } else {
                        w0[i] = w0[i] - increment
                    }
                }
                #expect(w.map(\.bitPattern) == w0.map(\.bitPattern), "rmsprop μ=\(mu) centered=\(centered) n=\(count)")
                #expect(s.map(\.bitPattern) == s0.map(\.bitPattern) && m.map(\.bitPattern) == m0.map(\.bitPattern)
                        && a.map(\.bitPattern) == a0.map(\.bitPattern), "rmsprop slots n=\(count)")
            }
            for amsgrad in [false, true] {
                var w = rng.floats(count), m = rng.floats(count), v = rng.floats(count, in: 0, 1),
                    h = rng.floats(count, in: 0, 1)
                if count > 3 { v[3] = .nan }
                var (w0, m0, v0, h0) = (w, m, v, h)
                let (alpha, c1, c2, eps): (Float, Float, Float, Float) = (0.00031, 0.1, 0.001, 1e-7)
                table.adam_update(count, &w, g, &m, &v, &h, alpha, c1, c2, eps, amsgrad ? 1 : 0)
                for i in 0..<count {
                    m0[i] += (g[i] - m0[i]) * c1
                    var vi = v0[i] + (g[i] * g[i] - v0[i]) * c2
                    v0[i] = vi
                    if amsgrad {
                        vi = h0[i] < vi ? vi : h0[i]
                        h0[i] = vi
                    }
                    w0[i] = w0[i] - (m0[i] * alpha) / (vi.squareRoot() + eps)
                }
                let same = { (x: [Float], y: [Float]) in x.map(\.bitPattern) == y.map(\.bitPattern) }
                #expect(same(w, w0) && same(m, m0) && same(v, v0) && same(h, h0), "adam amsgrad=\(amsgrad) n=\(count)")
            }
        }
    }
}
