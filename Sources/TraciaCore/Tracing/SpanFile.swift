import Glibc

/// A JSONL file spans are appended to, on the engine thread. It never blocks that thread (a
/// FIFO without a reader, or one whose reader does not read, fails the span instead), and a
/// line that could not be written whole never has the next span glued to it.
final class SpanFile {
    /// `write(2)`'s shape, so that tests can make writes short or failing.
    typealias WriteFunction = (Int32, UnsafeRawPointer?, Int) -> Int

    let path: String
    private let writeBytes: WriteFunction
    private var fd: Int32 = -1
    /// The file ends inside a line: a write failed part-way, or the file was found so. The
    /// next line starts with a line break. Truncating back instead would not be safe: other
    /// clients and processes may append to the same file (the default one is shared).
    private(set) var endsMidLine = false

    init(path: String, write: @escaping WriteFunction = { Glibc.write($0, $1, $2) }) {
        self.path = path
        self.writeBytes = write
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends `line` and a line break; the reason when the span could not be written whole.
    func append(_ line: some Collection<UInt8>) -> TraciaError? {
        if fd < 0, let error = open() { return error }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count + 2)
        if endsMidLine { bytes.append(10) }
        bytes += line
        bytes.append(10)
        let written = bytes.withUnsafeBytes { writeFully($0) }
        if written == bytes.count {
            endsMidLine = false
            return nil
        }
        let reason = errno
        // Nothing written leaves the file as it was; any byte written leaves a partial line.
        if written > 0 { endsMidLine = bytes[written - 1] != 10 }
        return TraciaError(.unknown, "cannot write \(path): \(Self.describe(reason))")
    }

    /// Bytes written before a failure (errno tells which), or all of them.
    private func writeFully(_ buffer: UnsafeRawBufferPointer) -> Int {
        var done = 0
        while done < buffer.count {
            let n = writeBytes(fd, buffer.baseAddress.map { $0 + done }, buffer.count - done)
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                if n == 0 { errno = EIO }
                break
            }
        }
        return done
    }

    private func open() -> TraciaError? {
        Self.makeParentDirectories(of: path)
        // O_NONBLOCK: opening a FIFO without a reader fails (ENXIO) instead of waiting for one.
        let opened = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard opened >= 0 else {
            let reason = errno
            let detail = reason == ENXIO ? "it is a FIFO that no process reads (ENXIO)" : Self.describe(reason)
            return TraciaError(.unknown, "cannot open \(path): \(detail)")
        }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            let reason = errno
            close(opened)
            return TraciaError(.unknown, "cannot open \(path): \(Self.describe(reason))")
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFCHR || type == S_IFIFO else {
            close(opened)
            return TraciaError(.unknown, "cannot open \(path): not a regular file, character device or FIFO")
        }
        fd = opened
        if type == S_IFREG && info.st_size > 0 { endsMidLine = Self.lastByte(of: path, size: info.st_size) != 10 }
        return nil
    }

    /// The file's last byte; a line break when it cannot be read (then none is added).
    private static func lastByte(of path: String, size: off_t) -> UInt8 {
        let reader = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard reader >= 0 else { return 10 }
        defer { close(reader) }
        var byte: UInt8 = 10
        return pread(reader, &byte, 1, size - 1) == 1 ? byte : 10
    }

    /// Creates the missing directories of `path` for the owner alone; existing ones are left as they are.
    private static func makeParentDirectories(of path: String) {
        var prefix = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (i, part) in parts.enumerated() {
            prefix += (i == 0 ? "" : "/") + part
            if !prefix.isEmpty { mkdir(prefix, 0o700) }
        }
    }

    static func describe(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "error"
        return "\(text) (errno \(code))"
    }
}
