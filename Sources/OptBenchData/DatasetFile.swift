/// The four files of an MNIST-style dataset.
///
/// Every MNIST-style dataset (MNIST, Fashion-MNIST, ...) uses the same four file
/// names and, for 60,000 + 10,000 images of 28×28, the same sizes.
public enum DatasetFile: String, CaseIterable, Sendable {
    case trainImages = "train-images-idx3-ubyte"
    case trainLabels = "train-labels-idx1-ubyte"
    case testImages = "t10k-images-idx3-ubyte"
    case testLabels = "t10k-labels-idx1-ubyte"

    /// The file name without compression suffix, e.g. `train-images-idx3-ubyte`.
    ///
    /// On disk, each file may be `NAME` or `NAME.gz`; mirrors serve `NAME.gz`.
    public var fileName: String { rawValue }

    /// Whether the file holds images (idx3) rather than labels (idx1).
    public var holdsImages: Bool { self == .trainImages || self == .testImages }

    /// Decompressed size of the standard 60,000 + 10,000 images of 28×28:
    /// the IDX header plus one byte per pixel or label.
    public var standardSize: Int {
        switch self {
        case .trainImages: return 16 + 60_000 * 28 * 28  // 47,040,016
        case .trainLabels: return 8 + 60_000  // 60,008
        case .testImages: return 16 + 10_000 * 28 * 28  // 7,840,016
        case .testLabels: return 8 + 10_000  // 10,008
        }
    }
}
