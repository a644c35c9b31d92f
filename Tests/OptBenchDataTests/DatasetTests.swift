import OptBenchData
import Testing

@Suite("Dataset files")
struct DatasetTests {
    let folder = TemporaryDirectory()
    let data = SyntheticDataset()

    @Test("reads a folder of raw and compressed files")
    func readsFolder() throws {
        let location = data.write(into: folder.path, compressed: [.trainImages, .testLabels])
        let dataset = try Dataset(manifest: data.manifest, location: location, verifyChecksums: true)
        #expect(dataset.name == "tiny")
        #expect(dataset.classCount == 10)
        #expect(dataset.featureCount == 6)
        #expect(dataset.train.pixels == data.trainPixels)
        #expect(dataset.train.labels == data.trainLabels)
        #expect(dataset.test.pixels == data.testPixels)
        #expect(dataset.test.labels == data.testLabels)
        #expect(dataset.train.rows == 3 && dataset.test.columns == 2)
    }

    @Test("rejects more images than labels, naming both files")
    func countMismatch() throws {
        var bad = data
        bad.trainLabels.removeLast()
        // Keep six images: write the images file of the original data.
        let location = bad.write(into: folder.path)
        _ = folder.write(data.content(.trainImages), to: DatasetFile.trainImages.fileName)
        let error = #expect(throws: DatasetError.self) { try Dataset(manifest: bad.manifest, location: location) }
        #expect(
            error?.description
                == "6 images in \(location.trainImages) but 5 labels in \(location.trainLabels)")
    }

    @Test("rejects a label outside the classes, naming file, index and value")
    func labelOutOfRange() throws {
        var bad = SyntheticDataset(testCount: 8)
        bad.testLabels[5] = 12
        let location = bad.write(into: folder.path, compressed: [.testLabels])
        let error = #expect(throws: DatasetError.self) { try Dataset(manifest: bad.manifest, location: location) }
        #expect(error == .labelOutOfRange(path: location.testLabels, index: 5, label: 12, classCount: 10))
        #expect(error?.description == "\(location.testLabels): label 12 at index 5 is outside the 10 classes")
    }

    @Test("rejects training and test images of different sizes")
    func imageSizeMismatch() throws {
        let location = data.write(into: folder.path)
        let other = SyntheticDataset(rows: 2, columns: 3)
        _ = folder.write(other.content(.testImages), to: DatasetFile.testImages.fileName)
        let error = #expect(throws: DatasetError.self) { try Dataset(manifest: data.manifest, location: location) }
        #expect(
            error?.description
                == "training images are 3×2 in \(location.trainImages) "
                + "but test images are 2×3 in \(location.testImages)")
    }

    @Test("checks sizes and checksums only when asked")
    func optionalChecksums() throws {
        var manifest = data.manifest
        manifest.testLabels.sha256 = String(repeating: "0", count: 64)
        let location = data.write(into: folder.path)
        #expect(throws: Never.self) { try Dataset(manifest: manifest, location: location) }
        let error = #expect(throws: DatasetError.self) {
            try Dataset(manifest: manifest, location: location, verifyChecksums: true)
        }
        guard case .checksumMismatch(let path, let expected, let actual) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(path == location.testLabels)
        #expect(expected == manifest.testLabels.sha256)
        #expect(actual == data.manifest.testLabels.sha256)

        manifest = data.manifest
        manifest.trainLabels.decompressedSize += 1
        let sizeError = #expect(throws: DatasetError.self) {
            try Dataset(manifest: manifest, location: location, verifyChecksums: true)
        }
        #expect(sizeError == .sizeMismatch(path: location.trainLabels, expected: 15, actual: 14))
    }

    @Test("knows the class names of the built-in datasets")
    func kinds() {
        #expect(DatasetKind.fashionMNIST.name == "fashion-mnist")
        #expect(DatasetKind.fashionMNIST.classNames.first == "T-shirt/top")
        #expect(DatasetKind.fashionMNIST.classNames.last == "Ankle boot")
        #expect(DatasetKind.fashionMNIST.classNames.count == 10)
        #expect(DatasetKind.mnist.classNames == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        let sizes = DatasetFile.allCases.map { DatasetKind.mnist.manifest[$0].decompressedSize }
        #expect(sizes == [47_040_016, 60_008, 7_840_016, 10_008])
        for kind in DatasetKind.allCases {
            for file in DatasetFile.allCases {
                let hash = kind.sha256(of: file)
                #expect(hash.count == 64 && hash.allSatisfy { "0123456789abcdef".contains($0) })
            }
        }
    }
}
