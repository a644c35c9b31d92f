/// The datasets OptBench knows how to find, download and verify.
///
/// Both are 60,000 training and 10,000 test images of 28×28 grey pixels in ten
/// classes, stored in the same four IDX files; Fashion-MNIST (Zalando, 2017) is
/// the harder drop-in replacement for the handwritten digits of MNIST.
///
/// ```swift
/// let (dataset, location) = try Dataset.load(.fashionMNIST, dataDirectory: nil)
/// print("\(dataset.name) from \(location)")
/// ```
public enum DatasetKind: String, CaseIterable, Sendable {
    /// Zalando's Fashion-MNIST: clothing, shoes and bags.
    case fashionMNIST = "fashion-mnist"
    /// LeCun, Cortes and Burges's handwritten digits.
    case mnist = "mnist"

    /// Folder name in caches and in `/usr/share/datasets`: `fashion-mnist` or `mnist`.
    public var name: String { rawValue }

    /// The class names, in label order.
    public var classNames: [String] {
        switch self {
        case .fashionMNIST:
            return [
                "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
            ]
        case .mnist:
            return (0..<10).map(String.init)
        }
    }

    /// Base URLs of the mirrors, tried in order (file name + `.gz` is appended).
    ///
    /// Zalando's own mirror is an S3 *website* endpoint, which AWS serves over
    /// plain HTTP only (an `https://` URL fails the TLS handshake), so it comes
    /// second, after Keras's HTTPS copy. Either way every file is checked against
    /// the SHA-256 of ``sha256(of:)`` before it is kept.
    public var mirrors: [String] {
        switch self {
        case .fashionMNIST:
            return [
                "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            ]
        case .mnist:
            return [
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
            ]
        }
    }

    /// The Debian package that installs the files in `/usr/share/datasets/<name>`.
    public var debianPackage: String? {
        switch self {
        case .fashionMNIST: return "dataset-fashion-mnist"
        case .mnist: return nil
        }
    }

    /// SHA-256 of the decompressed content of each file.
    ///
    /// - Fashion-MNIST: computed with `zcat FILE.gz | sha256sum` from the files of
    ///   Debian's `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist`).
    ///   Debian recompressed the files (their gzip MD5s differ from the ones
    ///   Zalando publishes), which is why only decompressed content is hashed;
    ///   the same four values appear in public projects that download Zalando's
    ///   originals. The real-data test checks them again.
    /// - MNIST: no MNIST copy was available to compute them locally, and the MNIST
    ///   site publishes no checksums. These values are the ones used, identically,
    ///   by many independent public projects that verify the decompressed files
    ///   (e.g. Makefiles and download scripts that also list the Fashion-MNIST
    ///   values above, which do match the local files). They are not verified on
    ///   this machine; a mismatch makes a download fail loudly, never silently.
    public func sha256(of file: DatasetFile) -> String {
        switch (self, file) {
        case (.fashionMNIST, .trainImages): return "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        case (.fashionMNIST, .trainLabels): return "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        case (.fashionMNIST, .testImages): return "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        case (.fashionMNIST, .testLabels): return "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        case (.mnist, .trainImages): return "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
        case (.mnist, .trainLabels): return "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        case (.mnist, .testImages): return "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        case (.mnist, .testLabels): return "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        }
    }

    /// What to tell a user who has neither the files nor a network.
    public var unavailableAdvice: String {
        switch self {
        case .fashionMNIST:
            return "install Debian's package (sudo apt-get install dataset-fashion-mnist) "
                + "or pass --data-dir DIR with the four IDX files"
        case .mnist:
            return "pass --data-dir DIR with the four IDX files "
                + "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                + "t10k-labels-idx1-ubyte, each raw or .gz), or copy them into ~/.cache/optbench/mnist"
        }
    }

    /// The manifest that ``DatasetLocator``, ``DatasetDownloader`` and
    /// ``Dataset/load(_:dataDirectory:environment:fetcher:verifyChecksums:progress:)`` use.
    public var manifest: DatasetManifest {
        func spec(_ file: DatasetFile) -> DatasetFileSpec {
            DatasetFileSpec(fileName: file.fileName, decompressedSize: file.standardSize, sha256: sha256(of: file))
        }
        return DatasetManifest(
            name: name, classNames: classNames,
            trainImages: spec(.trainImages), trainLabels: spec(.trainLabels),
            testImages: spec(.testImages), testLabels: spec(.testLabels),
            mirrors: mirrors, unavailableAdvice: unavailableAdvice)
    }
}
