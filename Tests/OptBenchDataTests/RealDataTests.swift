import Foundation
import OptBenchData
import Testing

/// Whether Debian's dataset-fashion-mnist package is installed.
private let realFashionMNIST = "/usr/share/datasets/fashion-mnist"
private let hasRealFashionMNIST = FileManager.default.fileExists(atPath: realFashionMNIST)

@Suite("Real Fashion-MNIST files", .tags(.slow), .skippedInQuickRuns)
struct RealDataTests {
    @Test(
        "loads Fashion-MNIST from /usr/share/datasets and matches the published checksums",
        .enabled(if: hasRealFashionMNIST, "needs Debian's dataset-fashion-mnist package"))
    func fashionMNIST() throws {
        let folder = TemporaryDirectory()
        // Nothing in the temporary home or environment: the system folder must be found.
        let environment = DatasetEnvironment(variables: [:], homeDirectory: folder.path)
        let (dataset, location) = try Dataset.load(
            .fashionMNIST, dataDirectory: nil, environment: environment, fetcher: FakeFetcher(),
            verifyChecksums: true)

        #expect(location.source == .systemDatasets)
        #expect(location.directory == realFashionMNIST)
        #expect(dataset.name == "fashion-mnist")
        #expect(dataset.train.count == 60_000)
        #expect(dataset.test.count == 10_000)
        #expect(dataset.train.rows == 28 && dataset.train.columns == 28)
        #expect(dataset.test.rows == 28 && dataset.test.columns == 28)
        #expect(dataset.train.pixels.count == 60_000 * 784)
        // First labels and first image checked independently with Python's gzip module.
        #expect(Array(dataset.train.labels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(Array(dataset.test.labels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(dataset.train.pixels(ofImage: 0).reduce(0) { $0 + Int($1) } == 76_247)
        #expect(dataset.classNames[9] == "Ankle boot")
    }
}
