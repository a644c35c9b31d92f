import Foundation
import Testing

extension Tag {
    /// Tests that take seconds rather than milliseconds: training on the real
    /// data and the bit-identity matrices. Swift 6.3's `swift test` cannot
    /// select tests by tag (its `--filter` and `--skip` match test names), so
    /// each slow test also carries ``Testing/Trait/skippedInQuickRuns``.
    @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Skips the test, reporting why, when `OPTBENCH_QUICK_TESTS=1`: the quick
    /// subset of the README's Tests section.
    static var skippedInQuickRuns: Self {
        .enabled(if: ProcessInfo.processInfo.environment["OPTBENCH_QUICK_TESTS"] != "1",
                 "slow; skipped because OPTBENCH_QUICK_TESTS=1")
    }
}
