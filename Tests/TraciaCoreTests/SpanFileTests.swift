import Glibc
import Testing

@testable import TraciaCore

private func temporaryPath() -> String { "/tmp/tracia-spanfile-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl" }

private func contents(_ path: String) -> String {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        bytes += buffer[..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func line(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A write function that runs `script` in order (a positive number: write that many bytes at
/// most; a negative one: fail with that errno), then writes normally.
private final class ScriptedWrite: @unchecked Sendable {
    var script: [Int]
    init(_ script: [Int]) { self.script = script }

    func write(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        guard !script.isEmpty else { return Glibc.write(fd, bytes, count) }
        let step = script.removeFirst()
        if step < 0 {
            errno = Int32(-step)
            return -1
        }
        return Glibc.write(fd, bytes, min(step, count))
    }
}

@Test func aLineWrittenInPiecesAndInterruptedArrivesWhole() {
    let path = temporaryPath()
    defer { unlink(path) }
    let writes = ScriptedWrite([3, -Int(EINTR), 2, -Int(EINTR), 4])
    let file = SpanFile(path: path, write: writes.write)
    #expect(file.append(line(#"{"spanId":"a","n":12345}"#)) == nil)
    #expect(contents(path) == #"{"spanId":"a","n":12345}"# + "\n")
}

@Test func aLineThatFailsPartWayDoesNotGlueTheNextToIt() {
    let path = temporaryPath()
    defer { unlink(path) }
    let writes = ScriptedWrite([5, -Int(ENOSPC)])
    let file = SpanFile(path: path, write: writes.write)
    let error = file.append(line(#"{"spanId":"lost"}"#))
    #expect(error?.message.contains("No space left on device") == true)
    #expect(file.endsMidLine)
    #expect(file.append(line(#"{"spanId":"next"}"#)) == nil)
    #expect(!file.endsMidLine)
    #expect(contents(path) == #"{"spa"# + "\n" + #"{"spanId":"next"}"# + "\n")
}

@Test func aFailureBeforeAnyByteLeavesTheFileAsItWas() {
    let path = temporaryPath()
    defer { unlink(path) }
    let writes = ScriptedWrite([-Int(EAGAIN)])
    let file = SpanFile(path: path, write: writes.write)
    #expect(file.append(line("{}")) != nil)
    #expect(!file.endsMidLine)
    #expect(file.append(line(#"{"a":1}"#)) == nil)
    #expect(contents(path) == #"{"a":1}"# + "\n")
}

@Test func aWriteThatMakesNoProgressFailsInsteadOfLooping() {
    let path = temporaryPath()
    defer { unlink(path) }
    let file = SpanFile(path: path, write: { _, _, _ in 0 })
    #expect(file.append(line("{}")) != nil)
}

@Test func aFileLeftMidLineByAnEarlierWriterGetsALineBreakFirst() {
    let path = temporaryPath()
    defer { unlink(path) }
    let fd = open(path, O_WRONLY | O_CREAT, 0o600)
    _ = write(fd, "{\"half", 6)
    close(fd)
    #expect(SpanFile(path: path).append(line("{}")) == nil)
    #expect(contents(path) == "{\"half\n{}\n")
    // A file that ends with a line break gets none.
    #expect(SpanFile(path: path).append(line("[]")) == nil)
    #expect(contents(path) == "{\"half\n{}\n[]\n")
}

@Test func spanFilesAndTheirDirectoriesAreTheOwnersAlone() {
    let root = "/tmp/tracia-spanfile-dir-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    #expect(mkdir(root, 0o755) == 0)
    chmod(root, 0o755)
    let path = root + "/state/tracia/spans.jsonl"
    defer {
        unlink(path)
        rmdir(root + "/state/tracia")
        rmdir(root + "/state")
        rmdir(root)
    }
    #expect(SpanFile(path: path).append(line("{}")) == nil)
    func mode(_ p: String) -> mode_t {
        var info = stat()
        return stat(p, &info) == 0 ? info.st_mode & 0o777 : 0
    }
    #expect(mode(path) == 0o600)
    #expect(mode(root + "/state") == 0o700 && mode(root + "/state/tracia") == 0o700)
    #expect(mode(root) == 0o755)  // existing directories are left as they were
}

@Test func aFIFOWithoutAReaderFailsAtOnceInsteadOfBlocking() {
    let path = temporaryPath()
    #expect(mkfifo(path, 0o600) == 0)
    defer { unlink(path) }
    let error = SpanFile(path: path).append(line("{}"))
    #expect(error?.message.contains("ENXIO") == true)
}

@Test func blockDevicesAndDirectoriesAreRefused() {
    #expect(SpanFile(path: "/tmp").append(line("{}")) != nil)
    var info = stat()
    if stat("/dev/loop0", &info) == 0 && access("/dev/loop0", W_OK) == 0 {
        #expect(SpanFile(path: "/dev/loop0").append(line("{}"))?.message.contains("not a regular file") == true)
    }
}

@Test func characterDevicesAreAccepted() {
    #expect(SpanFile(path: "/dev/null").append(line("{}")) == nil)
    #expect(SpanFile(path: "/dev/full").append(line("{}"))?.message.contains("No space left on device") == true)
}

// MARK: the default path

@Test func theDefaultSpanFileFollowsXDGThenHome() {
    func path(_ env: [String: String], account: String? = "/home/account") -> String? {
        ClientOptions.defaultSpansFile({ env[$0] }, accountHome: { account })
    }
    #expect(path(["XDG_STATE_HOME": "/state", "HOME": "/home/u"]) == "/state/tracia/spans.jsonl")
    #expect(path(["HOME": "/home/u"]) == "/home/u/.local/state/tracia/spans.jsonl")
    // Relative values would put prompts and answers in whatever the working directory is.
    #expect(path(["XDG_STATE_HOME": "state", "HOME": "/home/u"]) == "/home/u/.local/state/tracia/spans.jsonl")
    #expect(path(["HOME": "."]) == "/home/account/.local/state/tracia/spans.jsonl")
    #expect(path([:]) == "/home/account/.local/state/tracia/spans.jsonl")
    #expect(path([:], account: nil) == nil)
    #expect(path([:], account: "relative") == nil)
}

@Test func withoutHomeTheDefaultSpanFileIsNeverInTheWorkingDirectory() throws {
    let options = try ClientOptions.resolve(json: nil, environment: { _ in nil })
    if let file = options.spansFile {
        #expect(file.hasPrefix("/") && file.hasSuffix("/.local/state/tracia/spans.jsonl"))
        #expect(options.spansFileUnavailable == nil)
    } else {
        #expect(options.spansFileUnavailable == ClientOptions.noDefaultSpansFile)
    }
}

@Test func withNoPlaceForTheDefaultFileEachSpanFailsWithTheReason() throws {
    var options = try ClientOptions.resolve(json: nil, environment: { _ in nil })
    options.spansFile = nil
    options.spansFileUnavailable = ClientOptions.noDefaultSpansFile
    let client = try TraciaClient(options: options)
    let errors = Locked<[String]>([])
    client.onSpanError { _, error in errors.withLock { $0.append(error.message) } }
    let request = try RunRequest.parse(json: #"{"model":"mock/test","messages":[{"role":"user","content":"x"}]}"#)
    _ = try client.run(request).waitForResult()
    #expect(client.flush(timeoutMS: 2000) == .networkError)
    let messages = errors.withLock { $0 }
    #expect(messages.count == 1 && messages.first?.contains("set spans_file or TRACIA_SPANS_FILE") == true)
    #expect(client.spanStats.failed == 1)
    client.close()
}
