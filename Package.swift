// swift-tools-version:6.0
//
// OptBench: train one neural network with many optimizers on the same data and
// compare them fairly.
//
// No target needs unsafe build flags, so OptBench can be a versioned dependency.
// The fast kernels are C functions compiled with per-function `target`
// attributes (AVX-512, AVX2, portable) and chosen at run time from what the CPU
// reports (see `KernelPath`); the Swift code around them is plain SIMD
// arithmetic, correct and bit-identical at the architecture's baseline.

import PackageDescription
import class Foundation.ProcessInfo

/// A developer and CI opt-in, never needed by a consumer: with
/// `OPTBENCH_OPTIMIZE_DEBUG=1` the numeric targets are optimised in debug
/// builds too, so that `swift test` on real data is not several times slower
/// (unoptimised SIMD code and kernels are). These are unsafe flags, so a
/// package that depends on OptBench by version must not set it.
let optimizeDebug = ProcessInfo.processInfo.environment["OPTBENCH_OPTIMIZE_DEBUG"] == "1"

/// Numeric Swift code: `-O` in debug builds too when ``optimizeDebug``.
let numericSettings: [SwiftSetting] = optimizeDebug ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : []

/// The C kernels: `-O2` in debug builds too when ``optimizeDebug``.
let kernelCSettings: [CSetting] = optimizeDebug ? [.unsafeFlags(["-O2"], .when(configuration: .debug))] : []

/// Everything else: the default settings of each configuration.
let releaseSettings: [SwiftSetting] = []

let package = Package(
    name: "OptBench",
    platforms: [.macOS(.v15)],
    // Pick the smallest product that has what you need: only `OptBenchData` (and so
    // `OptBench`, which includes it) builds swift-crypto and zlib.
    products: [
        // The optimizers alone: SGD, RMSprop, Adam, their state and per-range steps.
        .library(name: "OptBenchOptimizers", targets: ["OptBenchOptimizers"]),
        // The model with its kernels: the MLP over a flat parameter vector, its passes,
        // the matrix kernels and the thread pool.
        .library(name: "OptBenchModel", targets: ["OptBenchKernels", "OptBenchModel"]),
        // The evaluation: confusion matrix, metrics, scikit-learn's classification report.
        .library(name: "OptBenchEvaluation", targets: ["OptBenchEvaluation"]),
        // IDX datasets: finding, downloading (checked by SHA-256) and reading them.
        .library(name: "OptBenchData", targets: ["OptBenchData"]),
        // The whole pipeline: data, model, optimizers, training, evaluation,
        // experiments and the report (`import OptBench` re-exports every module).
        .library(name: "OptBench", targets: ["OptBench"]),
        .executable(name: "optbench", targets: ["optbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - System libraries

        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // MARK: - Numerical kernels

        .target(name: "CKernelSupport", cSettings: kernelCSettings),
        .target(name: "OptBenchKernels", dependencies: ["CKernelSupport"], swiftSettings: numericSettings),

        // MARK: - Data

        .target(
            name: "OptBenchData",
            dependencies: [
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: releaseSettings
        ),

        // MARK: - Model and optimizers

        .target(name: "OptBenchModel", dependencies: ["CKernelSupport", "OptBenchKernels"], swiftSettings: numericSettings),
        .target(name: "OptBenchOptimizers", dependencies: ["OptBenchKernels"], swiftSettings: numericSettings),

        // MARK: - Training and evaluation

        .target(
            name: "OptBenchTraining",
            dependencies: ["OptBenchData", "OptBenchModel", "OptBenchOptimizers", "OptBenchKernels"],
            swiftSettings: numericSettings
        ),
        .target(name: "OptBenchEvaluation", swiftSettings: releaseSettings),

        // MARK: - Experiments and outputs

        .target(
            name: "OptBenchExperiment",
            dependencies: [
                "OptBenchData", "OptBenchModel", "OptBenchOptimizers",
                "OptBenchTraining", "OptBenchEvaluation",
            ],
            swiftSettings: releaseSettings
        ),

        // MARK: - Report (SVG charts, PNG image grids, report.html)

        .target(
            name: "OptBenchReport",
            dependencies: ["CZlib", "OptBenchData", "OptBenchEvaluation", "OptBenchExperiment", "OptBenchTraining"],
            swiftSettings: releaseSettings
        ),

        // MARK: - Benchmarks (the `optbench bench` subcommand)

        .target(
            name: "OptBenchBenchmarks",
            dependencies: ["CKernelSupport", "OptBenchKernels", "OptBenchModel", "OptBenchOptimizers", "OptBenchTraining",
                           "OptBenchData"],
            swiftSettings: numericSettings
        ),

        // MARK: - Umbrella module and command-line tool

        .target(
            name: "OptBench",
            dependencies: [
                "OptBenchKernels", "OptBenchData", "OptBenchModel", "OptBenchOptimizers",
                "OptBenchTraining", "OptBenchEvaluation", "OptBenchExperiment", "OptBenchReport",
            ]
        ),
        .executableTarget(
            name: "optbench",
            dependencies: [
                "OptBench",
                "OptBenchBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: releaseSettings
        ),

        // MARK: - Tests

        .testTarget(name: "OptBenchKernelsTests", dependencies: ["OptBenchKernels"]),
        .testTarget(name: "OptBenchBenchmarksTests", dependencies: ["OptBenchBenchmarks", "OptBenchKernels"]),
        .testTarget(name: "OptBenchDataTests", dependencies: ["OptBenchData"]),
        .testTarget(name: "OptBenchModelTests", dependencies: ["OptBenchModel", "OptBenchKernels"]),
        .testTarget(name: "OptBenchOptimizersTests", dependencies: ["OptBenchOptimizers"]),
        .testTarget(name: "OptBenchEvaluationTests", dependencies: ["OptBenchEvaluation"]),
        .testTarget(name: "OptBenchExperimentTests", dependencies: ["OptBench"]),
        .testTarget(name: "OptBenchCLITests", dependencies: ["optbench", "OptBench"]),
        .testTarget(name: "OptBenchTrainingTests", dependencies: ["OptBenchTraining", "OptBenchData"]),
        .testTarget(name: "OptBenchReportTests", dependencies: ["OptBenchReport", "CZlib"]),
    ]
)
