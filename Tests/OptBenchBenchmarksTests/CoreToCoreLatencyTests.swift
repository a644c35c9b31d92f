import OptBenchBenchmarks
import OptBenchKernels
import Testing

@Suite("Core-to-core round trip")
struct CoreToCoreLatencyTests {
    /// The flag goes back and forth the given number of rounds (or the call
    /// would never return) and the time per round trip is a positive,
    /// finite number of nanoseconds; with one thread there is nothing to measure.
    @Test("a round trip between two threads takes a positive time; one thread has none")
    func roundTrip() {
        let two = KernelThreads(threadCount: 2)
        let nanoseconds = CoreToCoreLatency.roundTripNanoseconds(threads: two, rounds: 2_000)
        #expect(nanoseconds != nil)
        if let nanoseconds { #expect(nanoseconds > 0 && nanoseconds.isFinite) }
        #expect(CoreToCoreLatency.roundTripNanoseconds(threads: KernelThreads(threadCount: 1)) == nil)
    }
}
