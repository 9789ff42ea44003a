import Glibc

enum Terminal {
    static func out(_ text: String) { write(fd: 1, text) }
    static func err(_ text: String) { write(fd: 2, text) }

    static func write(fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        err("tracia: \(message)\n")
        exit(status)
    }

    static func readAll(fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes += buffer[0..<n]
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd: fd)
    }
}

enum Help {
    static let top = """
        usage: tracia <command> [options]

        commands:
          run     stream a call to the terminal
          spans   show the local span file as a table

        'tracia <command> --help' describes a command; 'tracia --version' prints the version.

        """

    static let run = """
        usage: tracia run --model MODEL [options] PROMPT|-

        Streams the answer to stdout as it arrives, then prints usage, latency, the time to the
        first token and the span id on stderr. PROMPT '-' reads the prompt from stdin. Ctrl-C aborts the call (its span is
        recorded as aborted). Exits 1 when the call fails, 130 when it was aborted, 2 on a usage
        error.

          --model MODEL       e.g. gpt-4.1-mini, or mock/NAME to run offline
          --system TEXT       a system message
          --tool FILE         a tool definition {"name","description","parameters"} (repeatable)
          --show-reasoning    print the model's reasoning as it arrives: dimmed on a terminal,
                              on stderr otherwise
          --json              print the result JSON instead of the text

        Request options (include/tracia.h documents each; V is the value):
        \(RequestFlags.help)

        Keys come from the environment (OPENAI_API_KEY, ...). Without TRACIA_API_KEY spans go to
        the local JSONL file ($TRACIA_SPANS_FILE or ~/.local/state/tracia/spans.jsonl).

        """

    static let spans = """
        usage: tracia spans [--file PATH] [--follow]

        Shows the spans in the local JSONL file as a table, oldest first.

          --file PATH   the span file (default: $TRACIA_SPANS_FILE or ~/.local/state/tracia/spans.jsonl)
          --follow      keep watching the file and show new spans as they are written

        """
}

/// Hand-rolled option parsing: a few flags do not justify a dependency.
struct Options {
    private var rest: [String]
    private(set) var positional: [String] = []

    init(_ arguments: [String]) { rest = arguments }

    mutating func next() -> String? {
        while let arg = rest.first {
            rest.removeFirst()
            if arg.hasPrefix("--") || (arg.hasPrefix("-") && arg != "-") { return arg }
            positional.append(arg)
        }
        return nil
    }

    mutating func value(for flag: String) -> String {
        guard let value = rest.first else { Terminal.fail("\(flag) needs a value", status: 2) }
        rest.removeFirst()
        return value
    }
}
