/// How far the download of one file has got, reported while it runs.
///
/// ```swift
/// let progress: @Sendable (DownloadProgress) -> Void = { p in
///     print("\(p.file): \(p.bytesReceived) of \(p.totalBytes.map(String.init) ?? "?") bytes")
/// }
/// ```
public struct DownloadProgress: Sendable, Equatable {
    /// The file being downloaded, e.g. `train-images-idx3-ubyte.gz`.
    public var file: String
    /// The URL it comes from.
    public var url: String
    /// Bytes received so far.
    public var bytesReceived: Int64
    /// Total size announced by the server, if it announced one.
    public var totalBytes: Int64?

    /// A progress report; ``DatasetDownloader`` makes these.
    public init(file: String, url: String, bytesReceived: Int64, totalBytes: Int64?) {
        self.file = file
        self.url = url
        self.bytesReceived = bytesReceived
        self.totalBytes = totalBytes
    }
}
