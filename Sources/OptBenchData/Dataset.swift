/// An image classification dataset: named classes, a training set and a test set.
///
/// `train` holds every training image (60,000 for Fashion-MNIST); carving a
/// validation set out of it is the experiment's choice, with
/// ``LabeledImages/split(at:)`` or ``LabeledImages/subset(indices:)``.
///
/// ```swift
/// let (dataset, location) = try Dataset.load(.fashionMNIST, dataDirectory: nil)
/// print("\(dataset.name) from \(location): \(dataset.train.count) + \(dataset.test.count) images")
/// let (train, validation) = dataset.train.split(at: 55_000)
/// ```
public struct Dataset: Sendable, Equatable {
    /// Short name, e.g. `fashion-mnist`.
    public let name: String
    /// One name per class, in label order.
    public let classNames: [String]
    /// All training images.
    public let train: LabeledImages
    /// The test images.
    public let test: LabeledImages

    /// Creates a dataset from images already in memory.
    ///
    /// Training and test images must have the same size and every label must be
    /// below `classNames.count`; violating this is a programming error, checked
    /// with a precondition. (Files are checked by
    /// ``init(manifest:location:verifyChecksums:)``, which throws instead.)
    public init(name: String, classNames: [String], train: LabeledImages, test: LabeledImages) {
        precondition(
            train.rows == test.rows && train.columns == test.columns,
            "training images are \(train.rows)×\(train.columns) but test images are \(test.rows)×\(test.columns)")
        precondition(
            Self.firstLabel(in: train.labels, atLeast: classNames.count) == nil
                && Self.firstLabel(in: test.labels, atLeast: classNames.count) == nil,
            "a label is outside the \(classNames.count) classes")
        self.init(validatedName: name, classNames: classNames, train: train, test: test)
    }

    /// Number of classes: labels are in `0..<classCount`.
    public var classCount: Int { classNames.count }

    /// Pixels per image, the input width of a model (784 for 28×28).
    public var featureCount: Int { train.featureCount }

    /// Reads and checks the four files at `location`.
    ///
    /// Checks that each file is a well-formed IDX file of the right kind, that
    /// each split has as many labels as images, that every label names a class,
    /// and that training and test images have the same size. With
    /// `verifyChecksums`, also that each file's decompressed content has the size
    /// and SHA-256 of the manifest (off by default: it costs a few tenths of a
    /// second, and the structural checks already catch damaged files; a folder
    /// given with `--data-dir` may legitimately hold other data of the same shape).
    public init(manifest: DatasetManifest, location: DatasetLocation, verifyChecksums: Bool = false)
        throws(DatasetError)
    {
        func content(_ file: DatasetFile) throws(DatasetError) -> [UInt8] {
            let bytes = try IDXReader.contents(ofFile: location[file])
            if verifyChecksums {
                try manifest[file].verify(bytes, path: location[file])
            }
            return bytes
        }
        let classCount = manifest.classNames.count
        let train = try Self.split(
            images: IDXReader.parseImages(content(.trainImages), path: location.trainImages),
            imagesPath: location.trainImages,
            labels: IDXReader.parseLabels(content(.trainLabels), path: location.trainLabels),
            labelsPath: location.trainLabels, classCount: classCount)
        let test = try Self.split(
            images: IDXReader.parseImages(content(.testImages), path: location.testImages),
            imagesPath: location.testImages,
            labels: IDXReader.parseLabels(content(.testLabels), path: location.testLabels),
            labelsPath: location.testLabels, classCount: classCount)
        guard train.rows == test.rows, train.columns == test.columns else {
            throw .imageSizeMismatch(
                trainPath: location.trainImages, trainSize: .init(rows: train.rows, columns: train.columns),
                testPath: location.testImages, testSize: .init(rows: test.rows, columns: test.columns))
        }
        self.init(validatedName: manifest.name, classNames: manifest.classNames, train: train, test: test)
    }

    /// Reads and checks the four files of a known dataset at `location`.
    public init(kind: DatasetKind, location: DatasetLocation, verifyChecksums: Bool = false) throws(DatasetError) {
        try self.init(manifest: kind.manifest, location: location, verifyChecksums: verifyChecksums)
    }

    /// One split from its parsed files, after checking counts and labels.
    private static func split(
        images: IDXImages, imagesPath: String, labels: [UInt8], labelsPath: String, classCount: Int
    ) throws(DatasetError) -> LabeledImages {
        guard images.count == labels.count else {
            throw .countMismatch(
                imagesPath: imagesPath, imageCount: images.count, labelsPath: labelsPath, labelCount: labels.count)
        }
        if let index = firstLabel(in: labels, atLeast: classCount) {
            throw .labelOutOfRange(path: labelsPath, index: index, label: labels[index], classCount: classCount)
        }
        return LabeledImages(validatedPixels: images.pixels, labels: labels, rows: images.rows, columns: images.columns)
    }

    /// The index of the first label that is `limit` or more, if any.
    private static func firstLabel(in labels: [UInt8], atLeast limit: Int) -> Int? {
        guard limit <= Int(UInt8.max) else { return nil }
        let limit = UInt8(limit)
        return labels.firstIndex { $0 >= limit }
    }

    private init(validatedName name: String, classNames: [String], train: LabeledImages, test: LabeledImages) {
        self.name = name
        self.classNames = classNames
        self.train = train
        self.test = test
    }
}
