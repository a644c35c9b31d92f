import CKernelSupport
import Foundation

/// An instruction-set path of the kernels, as `optbench bench` names it.
///
/// Mirrors `optbench_kernel_path` of `CKernelSupport` (`cpu_features.h`),
/// which decides what this CPU can run.
public enum BenchKernelPath: String, CaseIterable, Sendable {
    /// x86-64 with AVX-512 F/VL/DQ/BW and FMA: 32 registers of 16 floats.
    case avx512
    /// x86-64 with AVX2 and FMA: 16 registers of 8 floats.
    case avx2
    /// Plain C, any CPU and architecture.
    case portable

    /// The C enumeration's value for this path.
    public var cValue: optbench_kernel_path {
        switch self {
        case .avx512: OPTBENCH_PATH_AVX512
        case .avx2: OPTBENCH_PATH_AVX2
        case .portable: OPTBENCH_PATH_PORTABLE
        }
    }

    /// Whether this CPU (and its operating system) can run the path.
    public var isSupported: Bool { optbench_cpu_supports_path(cValue) != 0 }

    /// The fastest path this CPU supports.
    public static var best: BenchKernelPath {
        switch optbench_best_path() {
        case OPTBENCH_PATH_AVX512: .avx512
        case OPTBENCH_PATH_AVX2: .avx2
        default: .portable
        }
    }
}

/// What `optbench bench` says about the processor before it times anything:
/// its model, the features that choose a kernel path, and the path chosen.
public struct CPUReport: Sendable {
    /// The name the CPU reports ("AMD EPYC 9R14 96-Core Processor"), or "unknown".
    public var modelName: String
    /// The features detected among those that choose a path, e.g. `["sse2", "avx", "avx2", "fma"]`.
    public var features: [String]
    /// The path the kernels run.
    public var chosenPath: BenchKernelPath
    /// Why that path: "the fastest this CPU supports", or the override that chose it.
    public var reason: String

    /// The environment variable that overrides the choice: `avx512`, `avx2` or `portable`.
    public static let overrideVariable = "OPTBENCH_KERNELS"

    /// The report of this CPU. `environment` supplies ``overrideVariable``; a
    /// value that names no path, or a path this CPU cannot run, is not
    /// followed (the report's ``reason`` says so) and the fastest supported
    /// path is chosen.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> CPUReport {
        let (path, reason) = chosenPath(override: environment[overrideVariable])
        return CPUReport(modelName: cString(capacity: 64, optbench_cpu_model_name),
                         features: cString(capacity: 256, optbench_cpu_feature_list).split(separator: " ").map(String.init),
                         chosenPath: path, reason: reason)
    }

    /// The path the kernels run given the override's value (nil or empty: none).
    static func chosenPath(override: String?) -> (BenchKernelPath, String) {
        let best = BenchKernelPath.best
        guard let override, !override.isEmpty else { return (best, "the fastest this CPU supports") }
        guard let named = BenchKernelPath(rawValue: override.lowercased()) else {
            let names = BenchKernelPath.allCases.map(\.rawValue).joined(separator: ", ")
            return (best, "\(overrideVariable)=\(override) names no path (\(names)); the fastest this CPU supports")
        }
        guard named.isSupported else {
            return (best, "\(overrideVariable)=\(override) is not supported by this CPU; the fastest it supports")
        }
        return (named, "chosen by \(overrideVariable)=\(override)")
    }

    /// The lines `optbench bench` prints.
    public var lines: [String] {
        [
            "CPU: \(modelName)",
            "features: \(features.isEmpty ? "none of those that choose a path" : features.joined(separator: " "))",
            "kernel path: \(chosenPath.rawValue) (\(reason))",
        ]
    }

    private static func cString(capacity: Int, _ fill: (UnsafeMutablePointer<CChar>, Int) -> Void) -> String {
        var buffer = [CChar](repeating: 0, count: capacity)
        buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress!, $0.count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
