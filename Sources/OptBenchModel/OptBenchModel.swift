// OptBenchModel
