// The umbrella module: `import OptBench` gives the whole library.
@_exported import OptBenchKernels
@_exported import OptBenchData
@_exported import OptBenchModel
@_exported import OptBenchOptimizers
@_exported import OptBenchTraining
@_exported import OptBenchEvaluation
@_exported import OptBenchExperiment
@_exported import OptBenchReport
