import Foundation

/// Finds a folder that holds the four files of a dataset.
///
/// Each file counts if it is present as `NAME` or `NAME.gz` (the raw file is
/// preferred when both exist). Folders are searched in this order:
///
/// 1. the folder given with `--data-dir`,
/// 2. the folder in `$OPTBENCH_DATA_DIR`,
/// 3. Keras's cache, `~/.keras/datasets/<name>` (`$KERAS_HOME/datasets/<name>` if set),
/// 4. `/usr/share/datasets/<name>` (Debian's `dataset-fashion-mnist` package),
/// 5. OptBench's download cache, `~/.cache/optbench/<name>`.
///
/// A folder the user named (1 or 2) must be complete: if it is missing or lacks a
/// file, that is an error naming the folder and the missing files, because
/// silently using other data than the user asked for would be worse. The other
/// places are skipped when incomplete.
///
/// ```swift
/// let locator = DatasetLocator()
/// if let location = try locator.locate(DatasetKind.fashionMNIST.manifest, dataDirectory: nil) {
///     print("using \(location)")   // /usr/share/datasets/fashion-mnist (system datasets folder)
/// }
/// ```
public struct DatasetLocator: Sendable {
    /// The environment variable that names a data folder: `OPTBENCH_DATA_DIR`.
    public static let environmentVariable = "OPTBENCH_DATA_DIR"

    /// A folder to search and what it is.
    public struct Candidate: Sendable, Equatable {
        /// The folder, as an absolute path.
        public var directory: String
        /// Which search place it is.
        public var source: DatasetSource
        /// Whether the user named this folder, so that it must be complete.
        public var isExplicit: Bool { source == .dataDirectoryOption || source == .environmentVariable }
    }

    /// Environment variables and folders used to build the search list.
    public var environment: DatasetEnvironment

    /// A locator for `environment` (this process's, unless a test injects another).
    public init(environment: DatasetEnvironment = .current) {
        self.environment = environment
    }

    /// OptBench's download cache for a dataset: `~/.cache/optbench/<name>`.
    public func cacheDirectory(for manifest: DatasetManifest) -> String {
        join(environment.homeDirectory, ".cache/optbench", manifest.name)
    }

    /// The folders to search, in order (see the type's documentation).
    public func candidates(for manifest: DatasetManifest, dataDirectory: String?) -> [Candidate] {
        var list: [Candidate] = []
        if let dataDirectory, !dataDirectory.isEmpty {
            list.append(Candidate(directory: absolute(dataDirectory), source: .dataDirectoryOption))
        }
        if let fromEnvironment = environment.value(of: Self.environmentVariable) {
            list.append(Candidate(directory: absolute(fromEnvironment), source: .environmentVariable))
        }
        let kerasHome = environment.value(of: "KERAS_HOME").map(absolute) ?? join(environment.homeDirectory, ".keras")
        list.append(Candidate(directory: join(kerasHome, "datasets", manifest.name), source: .kerasCache))
        list.append(
            Candidate(
                directory: join(environment.systemDatasetsDirectory, manifest.name), source: .systemDatasets))
        list.append(Candidate(directory: cacheDirectory(for: manifest), source: .toolCache))
        return list
    }

    /// The first folder of ``candidates(for:dataDirectory:)`` that holds all four
    /// files, or `nil` when none does (then the data has to be downloaded).
    ///
    /// - Throws: ``DatasetError/missingDirectory(path:origin:)`` or
    ///   ``DatasetError/incompleteDirectory(path:origin:missing:)`` when the folder
    ///   given by `--data-dir` or `$OPTBENCH_DATA_DIR` is missing or incomplete.
    public func locate(_ manifest: DatasetManifest, dataDirectory: String?) throws(DatasetError) -> DatasetLocation? {
        for candidate in candidates(for: manifest, dataDirectory: dataDirectory) {
            let origin =
                candidate.source == .dataDirectoryOption
                ? "--data-dir" : "$\(Self.environmentVariable)"
            if candidate.isExplicit && !Self.isDirectory(candidate.directory) {
                throw .missingDirectory(path: candidate.directory, origin: origin)
            }
            let (location, missing) = Self.files(of: manifest, in: candidate.directory, source: candidate.source)
            if let location { return location }
            if candidate.isExplicit {
                throw .incompleteDirectory(path: candidate.directory, origin: origin, missing: missing)
            }
        }
        return nil
    }

    /// The location of the dataset's files in `directory`, or the names of the
    /// files that are missing there.
    public static func files(of manifest: DatasetManifest, in directory: String, source: DatasetSource)
        -> (location: DatasetLocation?, missing: [String])
    {
        var paths: [DatasetFile: String] = [:]
        var missing: [String] = []
        for file in DatasetFile.allCases {
            let name = manifest[file].fileName
            let raw = join(directory, name)
            let compressed = raw + ".gz"
            if exists(raw) {
                paths[file] = raw
            } else if exists(compressed) {
                paths[file] = compressed
            } else {
                missing.append(name)
            }
        }
        guard missing.isEmpty,
            let trainImages = paths[.trainImages], let trainLabels = paths[.trainLabels],
            let testImages = paths[.testImages], let testLabels = paths[.testLabels]
        else { return (nil, missing) }
        let location = DatasetLocation(
            directory: directory, source: source,
            trainImages: trainImages, trainLabels: trainLabels, testImages: testImages, testLabels: testLabels)
        return (location, [])
    }

    /// `~/x` → `<home>/x`, relative → absolute, trailing `/` removed.
    private func absolute(_ path: String) -> String {
        var path = path
        if path == "~" {
            path = environment.homeDirectory
        } else if path.hasPrefix("~/") {
            path = Self.join(environment.homeDirectory, String(path.dropFirst(2)))
        } else if !path.hasPrefix("/") {
            path = Self.join(FileManager.default.currentDirectoryPath, path)
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    private func join(_ parts: String...) -> String {
        parts.dropFirst().reduce(parts.first ?? "") { Self.join($0, $1) }
    }

    /// `a/b`, with exactly one `/` between them.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
