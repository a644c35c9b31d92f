#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole files into memory with POSIX calls, so that errors carry the
/// system's reason ("Permission denied", "Is a directory", ...).
enum FileBytes {
    /// The bytes of the regular file at `path`.
    ///
    /// - Throws: ``DatasetError/unreadableFile(path:reason:)`` when the file is
    ///   missing, unreadable, not a regular file, or changes size while read.
    static func read(_ path: String) throws(DatasetError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadableFile(path: path, reason: systemError())
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadableFile(path: path, reason: systemError())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            let kind = (status.st_mode & S_IFMT) == S_IFDIR ? "it is a folder" : "it is not a regular file"
            throw .unreadableFile(path: path, reason: kind)
        }
        let size = Int(status.st_size)

        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < size {
                let result = posixRead(descriptor, base + initialized, size - initialized)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = systemError()
                    return
                }
                if result == 0 { break }
                initialized += result
            }
        }
        if let failure {
            throw .unreadableFile(path: path, reason: failure)
        }
        guard bytes.count == size else {
            throw .unreadableFile(path: path, reason: "the file shrank while it was read")
        }
        return bytes
    }

    /// Writes `bytes` to `path` so that `path` is either untouched or complete:
    /// the bytes go to a temporary file in the same folder, which is then renamed
    /// over `path` (an atomic replacement on POSIX file systems).
    ///
    /// - Throws: ``DatasetError/cacheWriteFailed(path:reason:)``; the temporary
    ///   file is removed.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(DatasetError) {
        let temporary = path + ".partial-\(UInt32.random(in: 0 ... UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cacheWriteFailed(path: temporary, reason: systemError())
        }
        var failure: String?
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let result = posixWrite(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = systemError()
                    return
                }
                written += result
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = systemError() }
        if close(descriptor) != 0 && failure == nil { failure = systemError() }
        if failure == nil && rename(temporary, path) != 0 { failure = systemError() }
        if let failure {
            unlink(temporary)
            throw .cacheWriteFailed(path: path, reason: failure)
        }
    }

    /// `strerror(errno)`, e.g. "No such file or directory".
    static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// The POSIX `read`, named apart from ``FileBytes/read(_:)``.
@inline(__always)
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// The POSIX `write`.
@inline(__always)
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
