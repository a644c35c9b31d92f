// OptBenchData
