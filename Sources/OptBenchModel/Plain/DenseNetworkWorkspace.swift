/// The scratch memory of a ``DenseNetwork`` for batches of up to `capacity`
/// samples: every layer's pre-activations, activations and gradients, and one
/// buffer for transposed operands. Allocated once.
public final class DenseNetworkWorkspace {
    /// Largest batch this workspace holds.
    public let capacity: Int
    /// `preActivations[l]` is layer `l`'s `z = x·W + b`, `(capacity, outputs(l))`.
    let preActivations: [UnsafeMutablePointer<Float>]
    /// `activations[l]` is layer `l`'s `y = act(z)`, `(capacity, outputs(l))`;
    /// for the output layer it is a copy of the logits.
    let activations: [UnsafeMutablePointer<Float>]
    /// `gradients[l]` is `∂loss/∂z` of layer `l` (`∂loss/∂y` while the backward
    /// pass is between the product and the activation), `(capacity, outputs(l))`.
    let gradients: [UnsafeMutablePointer<Float>]
    /// Transposed operands: `max(in·capacity, out·in)` over the layers.
    let transposed: UnsafeMutablePointer<Float>
    private var allocations: [UnsafeMutablePointer<Float>] = []

    public init(layers: [DenseLayerLayout], capacity: Int) {
        precondition(capacity > 0, "a workspace holds at least one sample")
        self.capacity = capacity
        var allocations: [UnsafeMutablePointer<Float>] = []
        func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            allocations.append(p)
            return p
        }
        preActivations = layers.map { floats(capacity * $0.outputs) }
        activations = layers.map { floats(capacity * $0.outputs) }
        gradients = layers.map { floats(capacity * $0.outputs) }
        transposed = floats(layers.map { max($0.inputs * capacity, $0.inputs * $0.outputs) }.max() ?? 1)
        self.allocations = allocations
    }

    deinit {
        for p in allocations { p.deallocate() }
    }
}
