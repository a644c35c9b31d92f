// OptBenchKernels
