import Foundation
import OptBenchData
import Testing

@Suite("Finding datasets")
struct DatasetLocatorTests {
    let folder = TemporaryDirectory()
    let data = SyntheticDataset()

    /// Places named as the locator builds them, for an isolated environment.
    var home: String { folder.path + "/home" }
    var keras: String { home + "/.keras/datasets/tiny" }
    var system: String { folder.path + "/usr-share-datasets/tiny" }
    var cache: String { home + "/.cache/optbench/tiny" }

    @Test("lists the search places in order")
    func searchOrder() {
        let environment = isolatedEnvironment(in: folder, variables: ["OPTBENCH_DATA_DIR": "/from/env/"])
        let locator = DatasetLocator(environment: environment)
        let candidates = locator.candidates(for: data.manifest, dataDirectory: "/from/option")
        #expect(candidates.map(\.directory) == ["/from/option", "/from/env", keras, system, cache])
        #expect(
            candidates.map(\.source)
                == [.dataDirectoryOption, .environmentVariable, .kerasCache, .systemDatasets, .toolCache])
        #expect(locator.cacheDirectory(for: data.manifest) == cache)
    }

    @Test("uses the first complete place")
    func firstCompletePlace() throws {
        let option = folder.path + "/option"
        let fromEnvironment = folder.path + "/env"
        for place in [option, fromEnvironment, keras, system, cache] {
            data.write(into: place, compressed: [.trainImages])
        }
        var environment = isolatedEnvironment(in: folder, variables: ["OPTBENCH_DATA_DIR": fromEnvironment])
        func found(_ dataDirectory: String?) throws -> DatasetLocation? {
            try DatasetLocator(environment: environment).locate(data.manifest, dataDirectory: dataDirectory)
        }

        #expect(try found(option)?.source == .dataDirectoryOption)
        #expect(try found(option)?.directory == option)
        #expect(try found(nil)?.source == .environmentVariable)
        environment.variables = [:]
        #expect(try found(nil)?.source == .kerasCache)
        #expect(try found(nil)?.trainImages == keras + "/train-images-idx3-ubyte.gz")
        #expect(try found(nil)?.trainLabels == keras + "/train-labels-idx1-ubyte")

        // An incomplete place is skipped.
        try FileManager.default.removeItem(atPath: keras + "/t10k-labels-idx1-ubyte")
        #expect(try found(nil)?.source == .systemDatasets)
        #expect(try found(nil)?.description == "\(system) (system datasets folder)")
        try FileManager.default.removeItem(atPath: system)
        #expect(try found(nil)?.source == .toolCache)
        try FileManager.default.removeItem(atPath: cache)
        #expect(try found(nil) == nil)
    }

    @Test("honours KERAS_HOME")
    func kerasHome() throws {
        let kerasHome = folder.path + "/keras-home"
        data.write(into: kerasHome + "/datasets/tiny")
        let environment = isolatedEnvironment(in: folder, variables: ["KERAS_HOME": kerasHome])
        let location = try DatasetLocator(environment: environment).locate(data.manifest, dataDirectory: nil)
        #expect(location?.source == .kerasCache)
        #expect(location?.directory == kerasHome + "/datasets/tiny")
    }

    @Test("prefers the raw file when both NAME and NAME.gz exist")
    func prefersRaw() throws {
        let place = folder.path + "/both"
        data.write(into: place, compressed: Set(DatasetFile.allCases))
        data.write(into: place)
        let location = try DatasetLocator(environment: isolatedEnvironment(in: folder))
            .locate(data.manifest, dataDirectory: place)
        #expect(location?.testImages == place + "/t10k-images-idx3-ubyte")
    }

    @Test("expands ~ in --data-dir")
    func tilde() throws {
        data.write(into: home + "/my-data")
        let location = try DatasetLocator(environment: isolatedEnvironment(in: folder))
            .locate(data.manifest, dataDirectory: "~/my-data/")
        #expect(location?.directory == home + "/my-data")
    }

    @Test("fails on an incomplete --data-dir instead of falling back, listing the missing files")
    func incompleteOption() throws {
        data.write(into: system)  // a complete fallback exists, and must not be used
        let option = folder.path + "/partial"
        data.write(into: option, except: [.trainLabels, .testImages])
        let locator = DatasetLocator(environment: isolatedEnvironment(in: folder))
        let error = #expect(throws: DatasetError.self) { try locator.locate(data.manifest, dataDirectory: option) }
        #expect(
            error
                == .incompleteDirectory(
                    path: option, origin: "--data-dir", missing: ["train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"]))
        #expect(
            error?.description
                == "\(option): missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
                + "(each as NAME or NAME.gz; folder given by --data-dir)")
    }

    @Test("fails on an incomplete $OPTBENCH_DATA_DIR")
    func incompleteEnvironmentVariable() throws {
        data.write(into: system)
        let partial = folder.path + "/partial"
        data.write(into: partial, except: [.testLabels])
        let environment = isolatedEnvironment(in: folder, variables: ["OPTBENCH_DATA_DIR": partial])
        let error = #expect(throws: DatasetError.self) {
            try DatasetLocator(environment: environment).locate(data.manifest, dataDirectory: nil)
        }
        #expect(
            error
                == .incompleteDirectory(
                    path: partial, origin: "$OPTBENCH_DATA_DIR", missing: ["t10k-labels-idx1-ubyte"]))
    }

    @Test("fails on a --data-dir that does not exist")
    func missingOption() throws {
        let missing = folder.path + "/nowhere"
        let error = #expect(throws: DatasetError.self) {
            try DatasetLocator(environment: isolatedEnvironment(in: folder)).locate(
                data.manifest, dataDirectory: missing)
        }
        #expect(error == .missingDirectory(path: missing, origin: "--data-dir"))
        #expect(error?.description == "\(missing): no such folder (given by --data-dir)")
    }

    @Test("reports a missing dataset through Dataset.load with every file named")
    func loadIncomplete() throws {
        let option = folder.path + "/empty"
        _ = folder.subfolder("empty")
        let error = #expect(throws: DatasetError.self) {
            try Dataset.load(
                manifest: data.manifest, dataDirectory: option, environment: isolatedEnvironment(in: folder),
                fetcher: FakeFetcher())
        }
        #expect(
            error
                == .incompleteDirectory(
                    path: option, origin: "--data-dir", missing: DatasetFile.allCases.map(\.fileName)))
    }
}
