/// Why a ``Model``'s array entry points refused their arguments (checked
/// before any work: nothing is written).
public enum ModelInputError: Error, Equatable, CustomStringConvertible {
    /// The batch must hold at least one sample.
    case emptyBatch(batch: Int)
    /// `inputs` holds fewer than `batch · inputSize` values.
    case inputsTooShort(count: Int, needed: Int)
    /// `labels` holds fewer than `batch` values.
    case labelsTooShort(count: Int, needed: Int)
    /// Label `index` is not below the model's class count.
    case labelOutOfRange(index: Int, label: UInt8, classCount: Int)
    /// A parameter or gradient vector whose length is not the model's
    /// parameter count.
    case wrongParameterCount(count: Int, expected: Int)

    public var description: String {
        switch self {
        case .emptyBatch(let batch): "a batch holds at least one sample (got \(batch))"
        case .inputsTooShort(let count, let needed): "the inputs hold \(count) values; the batch needs \(needed)"
        case .labelsTooShort(let count, let needed): "the labels hold \(count) values; the batch needs \(needed)"
        case .labelOutOfRange(let index, let label, let classCount):
            "label \(index) is \(label), not below the model's \(classCount) classes"
        case .wrongParameterCount(let count, let expected):
            "a parameter or gradient vector holds \(count) values; the model has \(expected)"
        }
    }
}

extension Model {
    /// Checks the arguments of the array entry points: `1 ≤ batch`, enough
    /// inputs and labels, every label below ``classCount``, and vectors of
    /// ``parameterCount`` values. (A batch larger than the workspace's capacity
    /// is the caller's contract; the workspace does not expose it here.)
    public func validate(inputs: [Float], labels: [UInt8], batch: Int,
                         vectorLengths: [Int]) throws(ModelInputError) {
        guard batch >= 1 else { throw .emptyBatch(batch: batch) }
        guard inputs.count >= batch * inputSize else {
            throw .inputsTooShort(count: inputs.count, needed: batch * inputSize)
        }
        guard labels.count >= batch else { throw .labelsTooShort(count: labels.count, needed: batch) }
        if let index = labels[..<batch].firstIndex(where: { Int($0) >= classCount }) {
            throw .labelOutOfRange(index: index, label: labels[index], classCount: classCount)
        }
        if let wrong = vectorLengths.first(where: { $0 != parameterCount }) {
            throw .wrongParameterCount(count: wrong, expected: parameterCount)
        }
    }
}
