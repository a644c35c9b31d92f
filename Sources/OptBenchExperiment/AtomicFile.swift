import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that they are either complete or absent: the bytes go to a
/// hidden temporary file in the same folder, which is then renamed over the
/// target (an atomic step on POSIX file systems). A run that fails or is
/// interrupted never leaves a file that looks complete.
public enum AtomicFile {
    /// Writes `text` as UTF-8 to `path`, creating missing parent folders.
    public static func write(_ text: String, to path: String) throws(ExperimentError) {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path`, creating missing parent folders.
    public static func write(_ data: Data, to path: String) throws(ExperimentError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(folder, reason(error))
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw .cannotWrite(path, lastErrorReason(default: "the folder is not writable"))
        }
        guard rename(temporary, path) == 0 else {
            let why = lastErrorReason(default: "rename failed")
            unlink(temporary)
            throw .cannotWrite(path, why)
        }
    }

    static func reason(_ error: Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return (error as NSError).localizedDescription
    }

    static func lastErrorReason(default text: String) -> String {
        errno != 0 ? String(cString: strerror(errno)) : text
    }
}
