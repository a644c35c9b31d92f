import Foundation

/// Fetches the bytes at a URL: the network access of ``DatasetDownloader``.
///
/// ``URLSessionFetcher`` is the real one. Tests inject their own to simulate a
/// good download, a corrupt one or a network failure without a network.
public protocol DatasetFetcher: Sendable {
    /// The whole body of `url`, blocking until it has arrived.
    ///
    /// - Parameter progress: called as bytes arrive, with the bytes received so far
    ///   and the total size if the server announced it.
    /// - Throws: any error; its description is shown to the user as the reason the
    ///   mirror failed.
    func fetch(_ url: URL, progress: @escaping @Sendable (_ bytesReceived: Int64, _ totalBytes: Int64?) -> Void)
        throws -> [UInt8]
}
