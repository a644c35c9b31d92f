/// Everything needed to find, download and check one MNIST-style dataset.
///
/// ``DatasetKind`` provides the manifests of the datasets OptBench knows; tests
/// build their own, with small files, mirrors that do not exist and an injected
/// fetcher, to exercise the download path without a network.
public struct DatasetManifest: Sendable, Equatable {
    /// Folder name in caches and in `/usr/share/datasets`, e.g. `fashion-mnist`.
    public var name: String
    /// One name per class; a label is an index into this array.
    public var classNames: [String]
    /// The training images file.
    public var trainImages: DatasetFileSpec
    /// The training labels file.
    public var trainLabels: DatasetFileSpec
    /// The test images file.
    public var testImages: DatasetFileSpec
    /// The test labels file.
    public var testLabels: DatasetFileSpec
    /// Base URLs, tried in order; a file's URL is base + file name + `.gz`.
    public var mirrors: [String]
    /// What the user can do when the data is neither found nor downloadable.
    public var unavailableAdvice: String

    /// A manifest for a dataset of your own (the built-in ones come from
    /// ``DatasetKind/manifest``).
    public init(
        name: String, classNames: [String],
        trainImages: DatasetFileSpec, trainLabels: DatasetFileSpec,
        testImages: DatasetFileSpec, testLabels: DatasetFileSpec,
        mirrors: [String], unavailableAdvice: String
    ) {
        self.name = name
        self.classNames = classNames
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
        self.mirrors = mirrors
        self.unavailableAdvice = unavailableAdvice
    }

    /// The specification of one of the four files.
    public subscript(file: DatasetFile) -> DatasetFileSpec {
        switch file {
        case .trainImages: return trainImages
        case .trainLabels: return trainLabels
        case .testImages: return testImages
        case .testLabels: return testLabels
        }
    }
}
