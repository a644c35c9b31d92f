import Testing
@testable import OptBenchEvaluation

@Suite struct ConfusionMatrixTests {
    // true:      0  0  1  2  2  2  1  0
    // predicted: 0  1  1  2  0  2  2  0
    let matrix: ConfusionMatrix

    init() throws {
        matrix = try ConfusionMatrix(
            trueLabels: [0, 0, 1, 2, 2, 2, 1, 0],
            predictedLabels: [0, 1, 1, 2, 0, 2, 2, 0],
            classCount: 4)
    }

    @Test func countsByHand() throws {
        #expect(matrix.classCount == 4)
        #expect(matrix.counts == [
            [2, 1, 0, 0],
            [0, 1, 1, 0],
            [1, 0, 2, 0],
            [0, 0, 0, 0],
        ])
        #expect(matrix[2, 0] == 1)
        #expect(matrix[0, 2] == 0)
        #expect(try matrix == ConfusionMatrix(counts: matrix.counts))
    }

    @Test func sums() throws {
        #expect(matrix.total == 8)
        #expect(matrix.correct == 5)
        #expect(matrix.accuracy == 5.0 / 8.0)
        #expect(matrix.rowSums == [3, 2, 3, 0])
        #expect(matrix.support == [3, 2, 3, 0])
        #expect(matrix.columnSums == [3, 2, 3, 0])
        #expect(matrix.diagonal == [2, 1, 2, 0])
    }

    @Test func rowNormalized() throws {
        let normalized = matrix.rowNormalized()
        #expect(normalized[0] == [2.0 / 3.0, 1.0 / 3.0, 0, 0])
        #expect(normalized[1] == [0, 0.5, 0.5, 0])
        #expect(normalized[3] == [0, 0, 0, 0])
    }

    @Test func emptyMatrix() throws {
        let empty = try ConfusionMatrix(trueLabels: [], predictedLabels: [], classCount: 3)
        #expect(empty.total == 0)
        #expect(empty.accuracy == 0)
        #expect(empty.mostConfusedPairs().isEmpty)
    }

    @Test func mostConfusedPairsSortsByCountThenIndex() throws {
        let m = try ConfusionMatrix(counts: [
            [9, 3, 0, 5],
            [3, 9, 1, 0],
            [0, 5, 9, 3],
            [1, 0, 0, 9],
        ])
        let pairs = m.mostConfusedPairs(limit: 10)
        #expect(pairs.map { [$0.trueClass, $0.predictedClass, $0.count] } == [
            [0, 3, 5], [2, 1, 5],
            [0, 1, 3], [1, 0, 3], [2, 3, 3],
            [1, 2, 1], [3, 0, 1],
        ])
        // Zero cells and the diagonal are never listed.
        #expect(pairs.allSatisfy { $0.count > 0 && $0.trueClass != $0.predictedClass })
        #expect(m.mostConfusedPairs(limit: 2) == [
            ConfusionMatrix.Pair(trueClass: 0, predictedClass: 3, count: 5),
            ConfusionMatrix.Pair(trueClass: 2, predictedClass: 1, count: 5),
        ])
        #expect(m.mostConfusedPairs(limit: 0).isEmpty)
    }

    @Test func matchesShippedFixtureTotals() throws {
        let fixture = try #require(shippedReportFixtures.first { $0.name == "balanced-10-class" })
        let m = try ConfusionMatrix(trueLabels: fixture.yTrue, predictedLabels: fixture.yPred, classCount: 10)
        #expect(m.total == 10_000)
        #expect(m.rowSums == [1002, 1009, 1004, 984, 998, 986, 978, 1005, 1007, 1027])
        // "accuracy ... 0.89" in the fixture.
        #expect(PythonFormat.fixed(m.accuracy, digits: 2) == "0.89")
    }

}
