// OptBenchTraining
