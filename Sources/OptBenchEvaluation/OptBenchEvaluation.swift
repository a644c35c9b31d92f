// OptBenchEvaluation
