import Foundation

/// The parts of the process environment that decide where datasets are looked
/// for: environment variables, the home folder and the system datasets folder.
///
/// Injected into ``DatasetLocator`` and ``Dataset/load(_:dataDirectory:environment:fetcher:verifyChecksums:progress:)``
/// so that tests can point every search place into a temporary folder.
public struct DatasetEnvironment: Sendable, Equatable {
    /// Environment variables; `OPTBENCH_DATA_DIR` and `KERAS_HOME` are read.
    public var variables: [String: String]
    /// The user's home folder, for `~/.keras` and `~/.cache/optbench`.
    public var homeDirectory: String
    /// Where Debian's `dataset-*` packages install data: `/usr/share/datasets`.
    public var systemDatasetsDirectory: String

    /// An environment from explicit values, e.g. a temporary home in tests.
    public init(
        variables: [String: String], homeDirectory: String,
        systemDatasetsDirectory: String = "/usr/share/datasets"
    ) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.systemDatasetsDirectory = systemDatasetsDirectory
    }

    /// This process's environment: its variables, `$HOME` (or the account's home
    /// folder when `HOME` is unset) and `/usr/share/datasets`.
    public static var current: DatasetEnvironment {
        let variables = ProcessInfo.processInfo.environment
        let home =
            variables["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return DatasetEnvironment(variables: variables, homeDirectory: home)
    }

    /// The value of variable `name`, or `nil` when it is unset or empty.
    func value(of name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }
}
