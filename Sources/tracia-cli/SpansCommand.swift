import Glibc
import TraciaCore

enum SpansCommand {
    static func main(_ arguments: [String]) -> Never {
        var options = Options(arguments)
        var file: String?
        var follow = false
        while let flag = options.next() {
            switch flag {
            case "--file": file = options.value(for: flag)
            case "--follow", "-f": follow = true
            case "-h", "--help":
                Terminal.out(Help.spans)
                exit(0)
            default: Terminal.fail("unknown option '\(flag)'; see 'tracia spans --help'", status: 2)
            }
        }
        let found: String?
        do throws(TraciaError) {
            let configured = try ClientOptions.resolve(json: nil).spansFile
            found = file ?? configured ?? ClientOptions.defaultSpansFilePath()
        } catch {
            Terminal.fail("[\(error.code.name)] \(error.message)")
        }
        guard let path = found else {
            Terminal.fail("no span file: set --file or TRACIA_SPANS_FILE (XDG_STATE_HOME, HOME and the account's home are unknown)")
        }
        Terminal.out(SpanTable.header)
        var offset = 0
        var pending: [UInt8] = []
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 && !follow { Terminal.fail("cannot open \(path): no spans yet?") }
            if fd >= 0 {
                lseek(fd, off_t(offset), SEEK_SET)
                if let bytes = Terminal.readAll(fd: fd) {
                    offset += bytes.count
                    pending += bytes
                    while let newline = pending.firstIndex(of: 10) {
                        Terminal.out(SpanTable.row(Array(pending[..<newline])))
                        pending.removeSubrange(...newline)
                    }
                }
                close(fd)
            }
            if !follow { exit(0) }
            usleep(200_000)
        }
    }
}

/// One line a span: start time, id, model (never cut), status, latency, tokens and the start
/// of the output, or its tool calls.
enum SpanTable {
    static let header =
        pad("TIME", 10) + pad("SPAN", 20) + pad("MODEL", 28) + pad("STATUS", 8) + pad("LATENCY", 10) + pad("TOKENS", 8) + "OUTPUT\n"

    static func row(_ line: [UInt8]) -> String {
        guard let span = SpanLine(json: line) else { return "(unreadable line)\n" }
        var output = span.error.map { "! " + $0 } ?? span.output
        if !span.toolCalls.isEmpty { output += (output.isEmpty ? "" : " ") + span.toolCalls.map { "→ " + $0 }.joined(separator: " ") }
        let preview = String(printable(output).prefix(80))
        // RFC 3339: the clock time is characters 11 to 19.
        let time = span.startTime.map { String($0.dropFirst(11).prefix(8)) } ?? "-"
        return pad(time, 10) + pad(span.spanID, 20) + padded(span.model, 28) + pad(span.status, 8) + pad("\(span.latencyMS) ms", 10)
            + pad("\(span.totalTokens)", 8) + preview + "\n"
    }

    /// Like `pad`, but a longer text is kept whole and followed by one space.
    static func padded(_ text: String, _ width: Int) -> String {
        let s = printable(text)
        return s + String(repeating: " ", count: max(1, width - s.count))
    }

    /// Server text as the terminal may show it: line breaks and tabs become spaces (or, with
    /// `keepingLineBreaks`, LF and tab stay and CR is escaped), every other control character (C0, DEL, C1, ESC included) a visible
    /// escape, so no answer can move the cursor, forge a row or send the terminal a command.
    static func printable(_ s: String, keepingLineBreaks: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            let lineBreak = scalar.value == 0x0A || scalar.value == 0x09 || (scalar.value == 0x0D && !keepingLineBreaks)
            switch scalar.value {
            case _ where lineBreak: out.unicodeScalars.append(keepingLineBreaks ? scalar : " ")
            case 0x00..<0x20, 0x7F..<0xA0: out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let s = printable(text)
        let cut = s.count >= width ? String(s.prefix(width - 1)) : s
        return cut + String(repeating: " ", count: width - cut.count)
    }
}
