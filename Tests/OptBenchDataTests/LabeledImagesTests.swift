import OptBenchData
import Testing

@Suite("Labeled images")
struct LabeledImagesTests {
    /// Five 2×3 images; every pixel of image i is i, its label is 10 + i.
    let images = LabeledImages(
        pixels: (0..<5).flatMap { Array(repeating: UInt8($0), count: 6) },
        labels: (0..<5).map { UInt8(10 + $0) }, rows: 2, columns: 3)

    @Test("reports its sizes")
    func sizes() {
        #expect(images.count == 5)
        #expect(images.featureCount == 6)
        #expect(images.rows == 2 && images.columns == 3)
        #expect(Array(images.pixels(ofImage: 3)) == Array(repeating: 3, count: 6))
    }

    @Test("splits in order")
    func split() {
        let (head, tail) = images.split(at: 2)
        #expect(head.labels == [10, 11])
        #expect(head.pixels == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
        #expect(tail.labels == [12, 13, 14])
        #expect(tail.pixels.count == 18)
        #expect(Array(tail.pixels(ofImage: 0)) == Array(repeating: 2, count: 6))
        #expect(head.rows == 2 && tail.columns == 3)
    }

    @Test("clamps split points like Array.prefix", arguments: [(-3, 0), (0, 0), (5, 5), (9, 5)])
    func clampedSplit(at n: Int, expectedHead: Int) {
        let (head, tail) = images.split(at: n)
        #expect(head.count == expectedHead)
        #expect(tail.count == 5 - expectedHead)
        #expect(head.pixels.count == expectedHead * 6)
    }

    @Test("selects a subset in the given order, with repeats")
    func subset() {
        let picked = images.subset(indices: [4, 0, 4])
        #expect(picked.labels == [14, 10, 14])
        #expect(
            picked.pixels == Array(repeating: 4, count: 6) + Array(repeating: 0, count: 6)
                + Array(repeating: 4, count: 6))
        #expect(images.subset(indices: []).isEmpty)
    }
}
