import Foundation

/// Downloads a dataset's files from its mirrors into a cache folder, keeping a
/// file only once its decompressed size and SHA-256 are right.
///
/// Each file is fetched into memory, checked, written to a temporary file in the
/// cache folder and renamed to its final name. So an interrupted or corrupt
/// download never leaves a file that looks complete, and files already in the
/// cache (and still correct) are not downloaded again.
///
/// When every mirror fails for a file, the error says what the user can do
/// instead (``DatasetManifest/unavailableAdvice``), e.g. for Fashion-MNIST:
///
/// ```
/// cannot find fashion-mnist locally and could not download train-images-idx3-ubyte.gz
/// (https://...: cannot resolve the host name; ...); install Debian's package
/// (sudo apt-get install dataset-fashion-mnist) or pass --data-dir DIR with the four IDX files
/// ```
public struct DatasetDownloader: Sendable {
    /// The network access; replace it to test without a network.
    public var fetcher: any DatasetFetcher

    /// A downloader using `fetcher` (the network, unless a test injects another).
    public init(fetcher: any DatasetFetcher = URLSessionFetcher()) {
        self.fetcher = fetcher
    }

    /// Makes `directory` hold the four verified files of `manifest`, downloading
    /// those that are missing or wrong, and returns their location.
    ///
    /// - Parameter progress: called as bytes arrive (possibly on another thread).
    /// - Throws: ``DatasetError/downloadFailed(dataset:file:failures:advice:)`` when
    ///   every mirror fails for a file, ``DatasetError/cacheWriteFailed(path:reason:)``
    ///   when the folder cannot be written.
    public func download(
        _ manifest: DatasetManifest, into directory: String,
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) throws(DatasetError) -> DatasetLocation {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cacheWriteFailed(path: directory, reason: Self.reason(error))
        }
        var paths: [DatasetFile: String] = [:]
        for file in DatasetFile.allCases {
            paths[file] = try obtain(manifest[file], in: directory, manifest: manifest, progress: progress)
        }
        guard let trainImages = paths[.trainImages], let trainLabels = paths[.trainLabels],
            let testImages = paths[.testImages], let testLabels = paths[.testLabels]
        else {
            throw .cacheWriteFailed(path: directory, reason: "internal error: a file was not obtained")
        }
        return DatasetLocation(
            directory: directory, source: .downloaded,
            trainImages: trainImages, trainLabels: trainLabels, testImages: testImages, testLabels: testLabels)
    }

    /// The path of a verified copy of one file in `directory`, downloading it if needed.
    private func obtain(
        _ spec: DatasetFileSpec, in directory: String, manifest: DatasetManifest,
        progress: (@Sendable (DownloadProgress) -> Void)?
    ) throws(DatasetError) -> String {
        let rawPath = DatasetLocator.join(directory, spec.fileName)
        let gzipPath = rawPath + ".gz"

        // Keep a correct copy from an earlier run; remove a wrong one.
        for path in [rawPath, gzipPath] where FileManager.default.fileExists(atPath: path) {
            do {
                try spec.verify(IDXReader.contents(ofFile: path), path: path)
                return path
            } catch {
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    throw .cacheWriteFailed(path: path, reason: "cannot remove a wrong copy: \(Self.reason(error))")
                }
            }
        }

        let remoteName = spec.fileName + ".gz"
        var failures: [String] = []
        for mirror in manifest.mirrors {
            let address = mirror.hasSuffix("/") ? mirror + remoteName : mirror + "/" + remoteName
            guard let url = URL(string: address) else {
                failures.append("\(address): invalid URL")
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try fetcher.fetch(url) { received, total in
                    progress?(
                        DownloadProgress(file: remoteName, url: address, bytesReceived: received, totalBytes: total))
                }
            } catch {
                failures.append("\(address): \(error)")
                continue
            }
            let isGzip = GzipDecoder.isGzip(bytes)
            do throws(DatasetError) {
                let content = isGzip ? try GzipDecoder.decompress(bytes, path: address) : bytes
                try spec.verify(content, path: address)
            } catch {
                failures.append(error.description)
                continue
            }
            let destination = isGzip ? gzipPath : rawPath
            try FileBytes.writeAtomically(bytes, to: destination)
            return destination
        }
        throw .downloadFailed(
            dataset: manifest.name, file: remoteName, failures: failures, advice: manifest.unavailableAdvice)
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
