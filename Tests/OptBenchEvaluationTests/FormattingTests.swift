import Testing
@testable import OptBenchEvaluation

@Suite struct FormattingTests {
    /// `PythonFormat.fixed` equals Python's `f"{x:.{d}f}"`, ties included.
    @Test func fixedMatchesPython() throws {
        var checked = 0
        for line in pythonFormattingFixture.split(separator: "\n") {
            let parts = line.split(separator: " ")
            let value = Double(parts[0])!
            let digits = Int(parts[1])!
            #expect(PythonFormat.fixed(value, digits: digits) == String(parts[2]), "\(line)")
            checked += 1
        }
        #expect(checked > 5_000)
    }

    @Test func fixedRoundsHalfToEvenOnTheBinaryValue() throws {
        #expect(PythonFormat.fixed(0.125, digits: 2) == "0.12")
        #expect(PythonFormat.fixed(0.375, digits: 2) == "0.38")
        #expect(PythonFormat.fixed(0.005, digits: 2) == "0.01")  // 0.005000000000000000104…
        #expect(PythonFormat.fixed(0.015, digits: 2) == "0.01")  // 0.01499999999999999944…
        #expect(PythonFormat.fixed(2.5, digits: 0) == "2")
        #expect(PythonFormat.fixed(.nan, digits: 2) == "nan")
        #expect(PythonFormat.fixed(-.infinity, digits: 2) == "-inf")
    }

    @Test func rightAlignedCountsCodePointsLikePython() throws {
        #expect(PythonFormat.rightAligned("abc", width: 5) == "  abc")
        #expect(PythonFormat.rightAligned("abcdef", width: 3) == "abcdef")
        #expect(PythonFormat.rightAligned("Cafe\u{301}", width: 6) == " Cafe\u{301}")
        #expect(PythonFormat.length("Cafe\u{301}") == 5)
    }

    /// `NumPySum.sum` equals `np.sum` bit for bit; a plain left-to-right sum does not.
    @Test func numpySumMatchesNumPy() throws {
        var plainDiffers = false
        for line in numpySumFixture.split(separator: "\n") {
            let numbers = line.split(separator: " ").map { Double($0)! }
            let expected = numbers[0]
            let values = Array(numbers.dropFirst())
            #expect(NumPySum.sum(values) == expected, "n = \(values.count)")
            if values.reduce(0, +) != expected { plainDiffers = true }
        }
        #expect(plainDiffers)
    }
}
