import Foundation
import OptBenchData
import Testing

/// A fetcher that serves bytes from memory and fails for every other URL, as an
/// offline machine does; it records what was asked.
struct FakeFetcher: DatasetFetcher {
    struct NetworkDown: Error, CustomStringConvertible {
        var description: String { "cannot resolve the host name" }
    }

    var bodies: [String: [UInt8]] = [:]
    let requests = Log<String>()

    func fetch(_ url: URL, progress: @escaping @Sendable (Int64, Int64?) -> Void) throws -> [UInt8] {
        requests.append(url.absoluteString)
        guard let body = bodies[url.absoluteString] else { throw NetworkDown() }
        progress(Int64(body.count / 2), Int64(body.count))
        progress(Int64(body.count), Int64(body.count))
        return body
    }
}

/// A thread-safe list, for values reported from other threads.
final class Log<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) {
        lock.lock()
        storage.append(element)
        lock.unlock()
    }

    var items: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

@Suite("Downloading datasets")
struct DatasetDownloaderTests {
    let folder = TemporaryDirectory()
    let data = SyntheticDataset()

    /// A fetcher serving every file of `data` from `mirror`, gzip-compressed.
    func fetcher(serving mirror: String, transform: (DatasetFile, [UInt8]) -> [UInt8] = { $1 }) -> FakeFetcher {
        var fetcher = FakeFetcher()
        for file in DatasetFile.allCases {
            fetcher.bodies[mirror + file.fileName + ".gz"] = gzip(transform(file, data.content(file)))
        }
        return fetcher
    }

    @Test("downloads, verifies and caches every file, reporting progress")
    func success() throws {
        let environment = isolatedEnvironment(in: folder)
        let fetcher = fetcher(serving: data.mirrors[0])
        let progress = Log<DownloadProgress>()

        let (dataset, location) = try Dataset.load(
            manifest: data.manifest, dataDirectory: nil, environment: environment, fetcher: fetcher,
            progress: { progress.append($0) })

        let cache = environment.homeDirectory + "/.cache/optbench/tiny"
        #expect(location.source == .downloaded)
        #expect(location.directory == cache)
        #expect(dataset.train.labels == data.trainLabels)
        #expect(dataset.test.pixels == data.testPixels)
        #expect(
            TemporaryDirectory.contents(of: cache)
                == [
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                ])
        #expect(fetcher.requests.items.count == 4)
        let reports = progress.items
        #expect(reports.count == 8)
        #expect(reports.first?.file == "train-images-idx3-ubyte.gz")
        #expect(reports.first?.url == data.mirrors[0] + "train-images-idx3-ubyte.gz")
        #expect(reports.last.map { $0.bytesReceived == $0.totalBytes } == true)

        // The next run finds the cache and fetches nothing.
        let offline = FakeFetcher()
        let (again, secondLocation) = try Dataset.load(
            manifest: data.manifest, dataDirectory: nil, environment: environment, fetcher: offline)
        #expect(secondLocation.source == .toolCache)
        #expect(again == dataset)
        #expect(offline.requests.items.isEmpty)
    }

    @Test("falls back to the next mirror")
    func mirrorFallback() throws {
        let fetcher = fetcher(serving: data.mirrors[1])
        let location = try DatasetDownloader(fetcher: fetcher).download(data.manifest, into: folder.path + "/cache")
        #expect(location.trainLabels == folder.path + "/cache/train-labels-idx1-ubyte.gz")
        #expect(
            fetcher.requests.items.prefix(2) == [
                data.mirrors[0] + "train-images-idx3-ubyte.gz", data.mirrors[1] + "train-images-idx3-ubyte.gz",
            ])
    }

    @Test("keeps no file when the content is corrupt")
    func corruptDownload() throws {
        // Same size, one pixel changed: only the checksum can tell.
        let fetcher = fetcher(serving: data.mirrors[0]) { file, content in
            guard file == .testImages else { return content }
            var changed = content
            changed[20] ^= 1
            return changed
        }
        let cache = folder.path + "/cache"
        let error = #expect(throws: DatasetError.self) {
            try DatasetDownloader(fetcher: fetcher).download(data.manifest, into: cache)
        }
        guard case .downloadFailed(let dataset, let file, let failures, _) = error else {
            Issue.record("expected downloadFailed, got \(String(describing: error))")
            return
        }
        #expect(dataset == "tiny")
        #expect(file == "t10k-images-idx3-ubyte.gz")
        #expect(failures.count == 2)
        #expect(
            failures.first?.hasPrefix(
                data.mirrors[0] + "t10k-images-idx3-ubyte.gz: SHA-256 of the decompressed content is ") == true)
        // The two good files before it are kept; nothing else, no temporary file.
        #expect(
            TemporaryDirectory.contents(of: cache)
                == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])
        #expect(!FileManager.default.fileExists(atPath: cache + "/t10k-images-idx3-ubyte.gz"))
    }

    @Test("rejects content of the wrong size and a broken gzip stream")
    func wrongSizeAndBrokenGzip() throws {
        var fetcher = fetcher(serving: data.mirrors[0]) { file, content in
            file == .trainImages ? Array(content.dropLast(6)) : content
        }
        let compressed = gzip(data.content(.trainImages))
        fetcher.bodies[data.mirrors[1] + "train-images-idx3-ubyte.gz"] = Array(compressed.prefix(compressed.count / 2))
        let cache = folder.path + "/cache"
        let error = #expect(throws: DatasetError.self) {
            try DatasetDownloader(fetcher: fetcher).download(data.manifest, into: cache)
        }
        guard case .downloadFailed(_, _, let failures, _) = error else {
            Issue.record("expected downloadFailed, got \(String(describing: error))")
            return
        }
        #expect(
            failures == [
                "\(data.mirrors[0])train-images-idx3-ubyte.gz: decompressed size is 46 bytes, expected 52",
                "\(data.mirrors[1])train-images-idx3-ubyte.gz: truncated gzip stream",
            ])
        #expect(TemporaryDirectory.contents(of: cache).isEmpty)
    }

    @Test("replaces a wrong file left in the cache")
    func replacesWrongCachedFile() throws {
        let cache = folder.path + "/cache"
        data.write(into: cache)
        _ = folder.write(IDX.labelsFile([1, 2]), to: "cache/train-labels-idx1-ubyte")
        let fetcher = fetcher(serving: data.mirrors[0])
        let location = try DatasetDownloader(fetcher: fetcher).download(data.manifest, into: cache)
        #expect(fetcher.requests.items == [data.mirrors[0] + "train-labels-idx1-ubyte.gz"])
        #expect(location.trainLabels == cache + "/train-labels-idx1-ubyte.gz")
        #expect(location.trainImages == cache + "/train-images-idx3-ubyte")
        #expect(!FileManager.default.fileExists(atPath: cache + "/train-labels-idx1-ubyte"))
    }

    @Test("says what to do when offline", arguments: DatasetKind.allCases)
    func offline(kind: DatasetKind) throws {
        let fetcher = FakeFetcher()
        let error = #expect(throws: DatasetError.self) {
            try Dataset.load(kind, dataDirectory: nil, environment: isolatedEnvironment(in: folder), fetcher: fetcher)
        }
        let message = error?.description ?? ""
        #expect(
            message.hasPrefix("cannot find \(kind.name) locally and could not download train-images-idx3-ubyte.gz ("))
        #expect(message.hasSuffix("); " + kind.unavailableAdvice))
        #expect(!message.contains("\n"))
        for mirror in kind.mirrors {
            #expect(message.contains(mirror + "train-images-idx3-ubyte.gz: cannot resolve the host name"))
        }
        if kind == .fashionMNIST {
            #expect(
                message.contains(
                    "install Debian's package (sudo apt-get install dataset-fashion-mnist) "
                        + "or pass --data-dir DIR with the four IDX files"))
        } else {
            #expect(message.contains("pass --data-dir DIR"))
        }
        #expect(fetcher.requests.items == kind.mirrors.map { $0 + "train-images-idx3-ubyte.gz" })
    }

    @Test("URLSessionFetcher reports a refused connection as an error")
    func urlSessionFailure() throws {
        let fetcher = URLSessionFetcher(timeout: 10)
        let url = try #require(URL(string: "http://127.0.0.1:9/train-images-idx3-ubyte.gz"))
        let error = #expect(throws: URLSessionFetcher.FetchError.self) {
            _ = try fetcher.fetch(url) { _, _ in }
        }
        #expect(error?.description == "cannot connect to the host")
    }
}
