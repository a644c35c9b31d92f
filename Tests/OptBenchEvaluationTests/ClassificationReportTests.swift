import Testing
@testable import OptBenchEvaluation

@Suite struct ClassificationReportTests {
    /// The three cases of shared/fixtures/classification_reports.json.
    @Test(arguments: shippedReportFixtures)
    func matchesShippedFixture(_ fixture: ReportFixture) throws {
        let report = try ClassificationReport(
            trueLabels: fixture.yTrue, predictedLabels: fixture.yPred,
            classCount: fixture.classCount, labels: fixture.labels,
            targetNames: fixture.targetNames, digits: fixture.digits)
        #expect(report.text == fixture.report)
    }

    /// Other digits, label subsets, names, rounding ties and random cases.
    @Test(arguments: extraReportFixtures)
    func matchesScikitLearn(_ fixture: ReportFixture) throws {
        let report = try ClassificationReport(
            trueLabels: fixture.yTrue, predictedLabels: fixture.yPred,
            classCount: fixture.classCount, labels: fixture.labels,
            targetNames: fixture.targetNames, digits: fixture.digits)
        #expect(report.text == fixture.report)
    }

    @Test func fixturesCoverTheInterestingCases() throws {
        #expect(shippedReportFixtures.count == 3)
        let names = Set(extraReportFixtures.map(\.name))
        for name in ["balanced-10-class-digits-3", "balanced-10-class-digits-4",
                     "class-without-support-digits-2", "label-subset-micro-avg",
                     "rounding-ties-digits-2", "long-and-combining-names"] {
            #expect(names.contains(name), "missing fixture \(name)")
        }
        #expect(extraReportFixtures.contains { $0.report.contains("micro avg") })
    }

    @Test func smallReportByHand() throws {
        // scikit-learn's docstring example, with labels 0, 1, 2.
        let report = try ClassificationReport(
            trueLabels: [0, 1, 2, 2, 2], predictedLabels: [0, 0, 2, 2, 1], classCount: 3,
            targetNames: ["class 0", "class 1", "class 2"])
        #expect(report.text == """
                          precision    recall  f1-score   support

                 class 0       0.50      1.00      0.67         1
                 class 1       0.00      0.00      0.00         1
                 class 2       1.00      0.67      0.80         3

                accuracy                           0.60         5
               macro avg       0.50      0.56      0.49         5
            weighted avg       0.70      0.60      0.61         5

            """)
        #expect(report.description == report.text)
        #expect(report.digits == 2)
    }

    @Test func labelSubsetShowsMicroAverage() throws {
        // scikit-learn's docstring example with labels=[1, 2, 3].
        let report = try ClassificationReport(
            trueLabels: [1, 1, 1], predictedLabels: [1, 1, 0], classCount: 4, labels: [1, 2, 3])
        #expect(report.text == """
                          precision    recall  f1-score   support

                       1       1.00      0.67      0.80         3
                       2       0.00      0.00      0.00         0
                       3       0.00      0.00      0.00         0

               micro avg       1.00      0.67      0.80         3
               macro avg       0.33      0.22      0.27         3
            weighted avg       1.00      0.67      0.80         3

            """)
    }

    @Test func digitsWidenColumnsOnlyPastTwelve() throws {
        let narrow = try ClassificationReport(trueLabels: [0, 1], predictedLabels: [0, 1], classCount: 2, digits: 4)
        #expect(narrow.text.hasPrefix(String(repeating: " ", count: 13) + " precision"))
        #expect(narrow.text.contains("\n           0     1.0000    1.0000    1.0000         1\n"))
        let wide = try ClassificationReport(trueLabels: [0, 1], predictedLabels: [0, 1], classCount: 2, digits: 13)
        #expect(wide.text.hasPrefix(String(repeating: " ", count: 14) + " precision"))
    }

}
