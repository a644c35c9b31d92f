extension Dataset {
    /// Finds, downloads if needed, reads and checks a dataset: the one call a
    /// program needs.
    ///
    /// The folder is found by ``DatasetLocator`` (`--data-dir`, `$OPTBENCH_DATA_DIR`,
    /// Keras's cache, `/usr/share/datasets`, OptBench's cache). When none holds the
    /// files, ``DatasetDownloader`` fetches them into `~/.cache/optbench/<name>`;
    /// without a network that fails with an error saying how to provide the data.
    ///
    /// ```swift
    /// let (dataset, location) = try Dataset.load(.fashionMNIST, dataDirectory: options.dataDir) { p in
    ///     print("\r\(p.file): \(p.bytesReceived / 1_000_000) MB", terminator: "")
    /// }
    /// print("loaded \(dataset.name) from \(location)")
    /// ```
    ///
    /// - Parameters:
    ///   - dataDirectory: the `--data-dir` option, if given; it must then hold the files.
    ///   - environment: environment variables and folders to search (injectable for tests).
    ///   - fetcher: the network access used when a download is needed.
    ///   - verifyChecksums: also check sizes and SHA-256s of files found locally
    ///     (downloads are always checked).
    ///   - progress: download progress, called only when downloading.
    /// - Returns: the dataset and where it came from (its description suits a log line).
    public static func load(
        _ kind: DatasetKind, dataDirectory: String?,
        environment: DatasetEnvironment = .current,
        fetcher: any DatasetFetcher = URLSessionFetcher(),
        verifyChecksums: Bool = false,
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) throws(DatasetError) -> (dataset: Dataset, location: DatasetLocation) {
        try load(
            manifest: kind.manifest, dataDirectory: dataDirectory, environment: environment,
            fetcher: fetcher, verifyChecksums: verifyChecksums, progress: progress)
    }

    /// ``load(_:dataDirectory:environment:fetcher:verifyChecksums:progress:)`` for
    /// any manifest, e.g. a small synthetic dataset in tests.
    public static func load(
        manifest: DatasetManifest, dataDirectory: String?,
        environment: DatasetEnvironment = .current,
        fetcher: any DatasetFetcher = URLSessionFetcher(),
        verifyChecksums: Bool = false,
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) throws(DatasetError) -> (dataset: Dataset, location: DatasetLocation) {
        let locator = DatasetLocator(environment: environment)
        if let location = try locator.locate(manifest, dataDirectory: dataDirectory) {
            let dataset = try Dataset(manifest: manifest, location: location, verifyChecksums: verifyChecksums)
            return (dataset, location)
        }
        let downloader = DatasetDownloader(fetcher: fetcher)
        let location = try downloader.download(
            manifest, into: locator.cacheDirectory(for: manifest), progress: progress)
        // The downloader has just verified every file.
        return (try Dataset(manifest: manifest, location: location), location)
    }
}
