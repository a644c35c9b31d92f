/// A folder holding the four files of a dataset, the path of each file in it,
/// and how the folder was found.
///
/// Its description is meant for logs:
/// `/usr/share/datasets/fashion-mnist (system datasets folder)`.
public struct DatasetLocation: Sendable, Equatable, CustomStringConvertible {
    /// The folder, as an absolute path.
    public var directory: String
    /// How the folder was found.
    public var source: DatasetSource
    /// Full path of the training images file (`NAME` or `NAME.gz`).
    public var trainImages: String
    /// Full path of the training labels file.
    public var trainLabels: String
    /// Full path of the test images file.
    public var testImages: String
    /// Full path of the test labels file.
    public var testLabels: String

    /// A location from known paths; ``DatasetLocator`` and ``DatasetDownloader``
    /// build these.
    public init(
        directory: String, source: DatasetSource,
        trainImages: String, trainLabels: String, testImages: String, testLabels: String
    ) {
        self.directory = directory
        self.source = source
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    /// The full path of one of the four files.
    public subscript(file: DatasetFile) -> String {
        switch file {
        case .trainImages: return trainImages
        case .trainLabels: return trainLabels
        case .testImages: return testImages
        case .testLabels: return testLabels
        }
    }

    public var description: String { "\(directory) (\(source))" }
}
