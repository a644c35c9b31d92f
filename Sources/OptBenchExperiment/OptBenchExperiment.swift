// OptBenchExperiment
