import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads with Foundation's `URLSession`, blocking the calling thread until
/// the download ends, and reports progress as data arrives.
public struct URLSessionFetcher: DatasetFetcher {
    /// Seconds without any data after which a request fails.
    public var timeout: TimeInterval

    /// A fetcher that gives up after `timeout` seconds without data.
    public init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    /// A failed request: an HTTP status other than 200, or a transport error.
    public struct FetchError: Error, CustomStringConvertible, Sendable {
        /// A short reason, e.g. `HTTP status 404` or `cannot connect to the host`.
        public var description: String
    }

    public func fetch(
        _ url: URL, progress: @escaping @Sendable (_ bytesReceived: Int64, _ totalBytes: Int64?) -> Void
    ) throws -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let delegate = FetchDelegate(progress: progress)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: url).resume()
        delegate.finished.wait()
        return try delegate.result()
    }
}

/// Collects the body of one data task and signals when it ends.
///
/// `URLSession` calls it on its own queue; all state is guarded by `lock`.
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let finished = DispatchSemaphore(value: 0)
    private let progress: @Sendable (Int64, Int64?) -> Void
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var expectedLength: Int64?
    private var failure: String?

    init(progress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.progress = progress
    }

    func result() throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw URLSessionFetcher.FetchError(description: failure) }
        return body
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.lock()
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            failure = "HTTP status \(http.statusCode)"
            lock.unlock()
            completionHandler(.cancel)
            return
        }
        let length = response.expectedContentLength
        expectedLength = length > 0 ? length : nil
        if let expectedLength, expectedLength < Int64(Int32.max) {
            body.reserveCapacity(Int(expectedLength))
        }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(contentsOf: data)
        let received = Int64(body.count)
        let total = expectedLength
        lock.unlock()
        progress(received, total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if failure == nil, let error {
            failure = Self.describe(error)
        }
        lock.unlock()
        finished.signal()
    }

    /// A short reason for a transport error ("cannot connect to host", ...).
    private static func describe(_ error: Error) -> String {
        guard let urlError = error as? URLError else { return "\(error)" }
        switch urlError.code {
        case .notConnectedToInternet: return "not connected to the internet"
        case .cannotFindHost, .dnsLookupFailed: return "cannot resolve the host name"
        case .cannotConnectToHost: return "cannot connect to the host"
        case .networkConnectionLost: return "the connection was lost"
        case .timedOut: return "timed out"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "TLS connection failed"
        case .badURL, .unsupportedURL: return "unsupported URL"
        default: return "network error \(urlError.code.rawValue)"
        }
    }
}
