import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining

/// The shape of one array of the experiment, as NumPy would print it.
public struct ArrayShape: Sendable, Codable, Equatable {
    /// `X_train_full`, `y_train_full`, `X_test`, `y_test`, `X_valid`, `y_valid`, `X_train`, `y_train`.
    public var name: String
    public var shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// `(60000, 28, 28)`, and `(60000,)` for one dimension (Python's tuple syntax).
    public var shapeText: String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// The dataset an experiment used.
public struct DatasetInfo: Sendable, Codable, Equatable {
    public var name: String
    /// Where the files were found (folder and which search place).
    public var source: String
    public var classNames: [String]
    public var shapes: [ArrayShape]

    enum CodingKeys: String, CodingKey {
        case name, source, shapes
        case classNames = "class_names"
    }
}

/// The network an experiment trained.
public struct ModelInfo: Sendable, Codable, Equatable {
    public var layers: [DenseLayerLayout]
    public var parameterCount: Int
    /// The Keras-style summary table (`model_summary.txt`).
    public var summary: String

    public init(layers: [DenseLayerLayout], parameterCount: Int, summary: String) {
        self.layers = layers
        self.parameterCount = parameterCount
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case layers, summary
        case parameterCount = "parameter_count"
    }
}

/// Precision, recall, F1 and support of one class on the test set.
public struct ClassResult: Sendable, Codable, Equatable {
    public var classIndex: Int
    public var name: String
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int

    enum CodingKeys: String, CodingKey {
        case name, precision, recall, support
        case classIndex = "class"
        case f1 = "f1_score"
    }
}

/// How a trained network did on the test set.
public struct TestResult: Sendable, Codable, Equatable {
    public var accuracy: Double
    public var loss: Double
    public var macroF1: Double
    public var weightedF1: Double
    public var macroPrecision: Double
    public var macroRecall: Double
    public var perClass: [ClassResult]
    /// `confusionMatrix[i][j]`: test images of class `i` predicted as `j`.
    public var confusionMatrix: [[Int]]
    /// scikit-learn's `classification_report` text.
    public var classificationReport: String

    enum CodingKeys: String, CodingKey {
        case accuracy, loss
        case macroF1 = "macro_f1"
        case weightedF1 = "weighted_f1"
        case macroPrecision = "macro_precision"
        case macroRecall = "macro_recall"
        case perClass = "per_class"
        case confusionMatrix = "confusion_matrix"
        case classificationReport = "classification_report"
    }
}

/// One optimizer's run: its settings, learning curves, timings and test results.
public struct RunResult: Sendable, Codable, Equatable {
    /// The run's name in outputs (see ``OptimizerSpec/label``).
    public var label: String
    /// The rule: `sgd`, `rmsprop`, `adam`.
    public var optimizer: String
    public var hyperparameters: [Hyperparameter]
    public var history: [EpochRecord]
    /// Seconds of training, validation included, over all epochs.
    public var trainSeconds: Double
    /// Median seconds per epoch.
    public var medianEpochSeconds: Double
    /// The epoch with the lowest validation loss (where overfitting starts).
    public var bestEpoch: Int?
    /// Set when the loss became NaN or infinite.
    public var divergence: Divergence?
    /// `nil` for a run that diverged.
    public var test: TestResult?

    enum CodingKeys: String, CodingKey {
        case label, optimizer, hyperparameters, history, divergence, test
        case trainSeconds = "train_seconds"
        case medianEpochSeconds = "median_epoch_seconds"
        case bestEpoch = "best_epoch"
    }
}

/// Everything an experiment produced: `results.json`.
public struct ExperimentResult: Sendable, Codable, Equatable {
    /// Version of the `results.json` layout.
    public var schemaVersion: Int
    public var tool: String
    /// ISO 8601 UTC times.
    public var started: String
    public var finished: String
    public var configuration: ExperimentConfiguration
    public var dataset: DatasetInfo
    public var model: ModelInfo
    public var runs: [RunResult]

    enum CodingKeys: String, CodingKey {
        case tool, started, finished, configuration, dataset, model, runs
        case schemaVersion = "schema_version"
    }
}
