/// Why an experiment cannot run: every case reads as one line that names the
/// option or file and what is wrong.
public enum ExperimentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A command-line option has a bad value: (option, explanation).
    case invalidOption(String, String)
    /// The output folder or a file in it cannot be written: (path, reason).
    case cannotWrite(String, String)
    /// A file to read (such as `results.json`) is missing or malformed: (path, reason).
    case cannotRead(String, String)

    public var description: String {
        switch self {
        case .invalidOption(let option, let why): return "\(option): \(why)"
        case .cannotWrite(let path, let why): return "\(path): cannot write: \(why)"
        case .cannotRead(let path, let why): return "\(path): cannot read: \(why)"
        }
    }
}
