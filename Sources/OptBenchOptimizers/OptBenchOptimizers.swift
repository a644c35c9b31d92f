// OptBenchOptimizers
