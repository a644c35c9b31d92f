/// Where a dataset was found, in the order ``DatasetLocator`` searches.
public enum DatasetSource: Sendable, Equatable, CustomStringConvertible {
    /// The folder given with `--data-dir`.
    case dataDirectoryOption
    /// The folder named by `$OPTBENCH_DATA_DIR`.
    case environmentVariable
    /// Keras's download cache, `~/.keras/datasets/<name>` (or `$KERAS_HOME/datasets/<name>`).
    case kerasCache
    /// `/usr/share/datasets/<name>`, where Debian's `dataset-fashion-mnist` installs it.
    case systemDatasets
    /// OptBench's own cache, `~/.cache/optbench/<name>`, filled by an earlier download.
    case toolCache
    /// Downloaded just now into OptBench's cache.
    case downloaded

    public var description: String {
        switch self {
        case .dataDirectoryOption: return "--data-dir"
        case .environmentVariable: return "$\(DatasetLocator.environmentVariable)"
        case .kerasCache: return "Keras cache"
        case .systemDatasets: return "system datasets folder"
        case .toolCache: return "OptBench cache"
        case .downloaded: return "downloaded into the OptBench cache"
        }
    }
}
