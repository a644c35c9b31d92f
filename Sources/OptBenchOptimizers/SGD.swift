import OptBenchKernels

/// Stochastic gradient descent, with optional (Nesterov) momentum: Keras 3's `SGD`.
///
/// Without momentum: `w ← w − η·g`. With momentum `μ > 0` and velocity `v`
/// (zero at the start):
///
///     v ← μ·v − η·g
///     w ← w + v                 (classical)
///     w ← w + μ·v − η·g         (Nesterov)
///
/// Keras defaults: `learning_rate = 0.01`, `momentum = 0`, `nesterov = false`.
/// The reference study's "momentum" optimizer is `SGD(momentum: 0.9)`.
public struct SGD: GradientOptimizer {
    public var learningRate: Float
    public var momentum: Float
    public var nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public var name: String { "sgd" }

    public var hyperparameters: [Hyperparameter] {
        [Hyperparameter("learning_rate", .float(learningRate)),
         Hyperparameter("momentum", .float(momentum)),
         Hyperparameter("nesterov", .flag(nesterov))]
    }

    /// Slots: the velocity `v` when `momentum > 0`, none otherwise.
    public var slotCount: Int { momentum > 0 ? 1 : 0 }

    public func step(_ t: Int) -> Step {
        Step(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }

    /// SGD's constants, for a training step that applies the rule itself
    /// (``OptimizerStep/descent``): exactly the arithmetic of
    /// ``Step/apply(parameters:gradients:slots:slotStride:count:)``, with the
    /// velocity in slot 0 when `momentum > 0`.
    public struct Constants: Sendable, Equatable {
        public let learningRate: Float, momentum: Float, nesterov: Bool
    }

    /// A step of SGD: the same at every `t`.
    public struct Step: OptimizerStep {
        let learningRate: Float, momentum: Float, nesterov: Bool

        public var descent: Constants? {
            Constants(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
        }

        public func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                          slots v: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            let lr = learningRate, mu = momentum, nesterov = nesterov
            guard mu > 0 else {
                // One vector (`lanes` = 16) or the partial vector at the end.
                @inline(__always) func update(_ i: Int, _ lanes: Int) {
                    w.store(w.vector(at: i, lanes: lanes) - lr * g.vector(at: i, lanes: lanes), at: i, lanes: lanes)
                }
                var i = 0
                while i &+ 16 <= count {
                    update(i, 16)
                    i &+= 16
                }
                if i < count { update(i, count &- i) }
                return
            }
            // One vector (`lanes` = 16) or the partial vector at the end.
            @inline(__always) func update(_ i: Int, _ lanes: Int) {
                let gi = g.vector(at: i, lanes: lanes)
                let vi = mu * v.vector(at: i, lanes: lanes) - lr * gi
                v.store(vi, at: i, lanes: lanes)
                let step = nesterov ? mu * vi - lr * gi : vi
                w.store(w.vector(at: i, lanes: lanes) + step, at: i, lanes: lanes)
            }
            var i = 0
            while i &+ 16 <= count {
                update(i, 16)
                i &+= 16
            }
            if i < count { update(i, count &- i) }
        }
    }
}
