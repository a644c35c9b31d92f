import CKernelSupport

/// The instruction-set path whose micro-kernels compute the matrix products:
/// each fast kernel (the dense and zero-skipping micro-kernels, the nonzero
/// scan) exists once per path, in C with per-function `target` attributes, so
/// a binary built on any x86-64 machine runs on any other.
///
/// The path is chosen once, when the library is loaded: the one named by the
/// environment variable `OPTBENCH_KERNELS` (`avx512`, `avx2` or `portable`)
/// if it is set, otherwise ``best``. An unknown name, or a path this CPU
/// cannot run, ends the process with one line on stderr (exit status 2)
/// before any kernel runs. ``select(_:)`` changes it later.
///
/// Every path computes each element of a product as the same chain of fused
/// multiply-adds, over the inner index in increasing order, so all paths give
/// the same results bit for bit; they differ only in speed.
///
/// ```swift
/// print(KernelPath.current)        // avx512 on a Zen 4, avx2 on a Zen 3
/// try KernelPath.select(.portable) // throws KernelPathError.unsupported where it cannot run
/// ```
public enum KernelPath: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain C, one `fmaf` per product: any CPU, any architecture, slow on
    /// x86-64 (a library call per fused multiply-add).
    case portable
    /// x86-64 with AVX2 and FMA: 6 × 16 dense tiles in 16 registers of 8 floats.
    case avx2
    /// x86-64 with AVX-512 F/VL/DQ/BW and FMA: 8 × 32 dense tiles in 32 registers of 16 floats.
    case avx512

    /// The name used by `OPTBENCH_KERNELS`: `portable`, `avx2`, `avx512`.
    public var description: String { rawValue }

    /// The path with this `OPTBENCH_KERNELS` name.
    ///
    /// - Throws: ``KernelPathError/unknownName(_:)`` for any other name.
    public init(named name: String) throws(KernelPathError) {
        guard let path = KernelPath(rawValue: name) else { throw .unknownName(name) }
        self = path
    }

    /// The fastest path this CPU supports.
    public static var best: KernelPath { KernelPath(optbench_best_path()) }

    /// The paths this CPU (and this build) can run, slowest first.
    public static var supported: [KernelPath] { allCases.filter(\.isSupported) }

    /// The path whose kernels the products use now.
    public static var current: KernelPath { KernelPath(optbench_active_kernel_table().pointee.path) }

    /// Whether this CPU (and this build) can run the path's kernels.
    public var isSupported: Bool {
        optbench_kernel_table_for_path(cPath) != nil && optbench_cpu_supports_path(cPath) != 0
    }

    /// The CPU features the path needs (`fma`, `avx2`, `avx512f`, …).
    public var requiredFeatures: [String] {
        switch self {
        case .portable: return []
        case .avx2: return ["avx2", "fma"]
        case .avx512: return ["avx512f", "avx512vl", "avx512dq", "avx512bw", "fma"]
        }
    }

    /// The required features this CPU lacks (all of them for an x86 path on
    /// another architecture); empty when the path is supported.
    public var missingFeatures: [String] {
        if isSupported { return [] }
        let present = Set(Self.cpuFeatures)
        let missing = requiredFeatures.filter { !present.contains($0) }
        return missing.isEmpty ? requiredFeatures : missing
    }

    /// The features that choose between paths and that this CPU has, as the
    /// CPU reports them ("sse2 avx avx2 fma avx512f avx512vl avx512dq avx512bw").
    public static var cpuFeatures: [String] {
        var buffer = [CChar](repeating: 0, count: 256)
        optbench_cpu_feature_list(&buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
    }

    /// The CPU's model name as it reports it ("unknown" where it does not).
    public static var cpuModelName: String {
        var buffer = [CChar](repeating: 0, count: 64)
        optbench_cpu_model_name(&buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Makes `path` the path the products use from now on. Products already
    /// running finish with the kernels they started with.
    ///
    /// - Throws: ``KernelPathError/unsupported(_:missingFeatures:)`` when
    ///   this CPU cannot run `path`; nothing changes then.
    public static func select(_ path: KernelPath) throws(KernelPathError) {
        guard optbench_select_kernel_path(path.cPath) == 0 else {
            throw .unsupported(path, missingFeatures: path.missingFeatures)
        }
    }

    /// The C kernels of this path (nil when this build has none for it).
    /// The caller checks ``isSupported`` before calling them.
    var table: UnsafePointer<optbench_kernel_table>? { optbench_kernel_table_for_path(cPath) }

    var cPath: optbench_kernel_path {
        switch self {
        case .portable: return OPTBENCH_PATH_PORTABLE
        case .avx2: return OPTBENCH_PATH_AVX2
        case .avx512: return OPTBENCH_PATH_AVX512
        }
    }

    init(_ path: optbench_kernel_path) {
        switch path {
        case OPTBENCH_PATH_AVX512: self = .avx512
        case OPTBENCH_PATH_AVX2: self = .avx2
        default: self = .portable
        }
    }
}

/// Why a ``KernelPath`` cannot be used.
public enum KernelPathError: Error, Equatable, CustomStringConvertible {
    /// Not one of `avx512`, `avx2`, `portable`.
    case unknownName(String)
    /// This CPU (or this build) lacks the features the path needs.
    case unsupported(KernelPath, missingFeatures: [String])

    public var description: String {
        switch self {
        case .unknownName(let name):
            return "'\(name)' is not a kernel path (avx512, avx2 or portable)"
        case .unsupported(let path, let missing):
            return "this CPU cannot run the \(path) kernels (missing: \(missing.joined(separator: ", ")))"
        }
    }
}
