import Foundation
import OptBenchKernels

/// What `optbench bench` says about the processor before it times anything:
/// its model, the features that choose a kernel path, and the path the
/// products run (``KernelPath/current``).
public struct CPUReport: Sendable {
    /// The name the CPU reports ("AMD EPYC 9R14 96-Core Processor"), or "unknown".
    public var modelName: String
    /// The features detected among those that choose a path, e.g. `["sse2", "avx", "avx2", "fma"]`.
    public var features: [String]
    /// The path the kernels run.
    public var chosenPath: KernelPath
    /// The paths this CPU can run, slowest first.
    public var supportedPaths: [KernelPath]
    /// Why that path: "the fastest this CPU supports", or the override that chose it.
    public var reason: String

    /// The report of this CPU and of the path chosen now. `environment`
    /// supplies `OPTBENCH_KERNELS`, which ``KernelPath`` followed when the
    /// library was loaded.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> CPUReport {
        let path = KernelPath.current
        let reason: String
        if let named = environment["OPTBENCH_KERNELS"], !named.isEmpty, named == path.rawValue {
            reason = "chosen by OPTBENCH_KERNELS=\(named)"
        } else if path == KernelPath.best {
            reason = "the fastest this CPU supports; OPTBENCH_KERNELS=avx512|avx2|portable overrides it"
        } else {
            reason = "selected by the program (KernelPath.select); the fastest this CPU supports is \(KernelPath.best)"
        }
        return CPUReport(modelName: KernelPath.cpuModelName, features: KernelPath.cpuFeatures, chosenPath: path,
                         supportedPaths: KernelPath.supported, reason: reason)
    }

    /// The lines `optbench bench` prints.
    public var lines: [String] {
        [
            "CPU: \(modelName)",
            "features: \(features.isEmpty ? "none of those that choose a path" : features.joined(separator: " "))",
            "kernel path: \(chosenPath) (\(reason))",
        ]
    }
}
