import Glibc
import TraciaCore

/// `tracia run --model M [--provider P] [--system S] [--json] "prompt"`: streams a call to
/// the terminal and reports usage, latency and the span on stderr.
func usage() -> Never {
    let text = """
        usage: tracia run --model MODEL [--provider P] [--system TEXT] [--json] PROMPT|-
               tracia --version

        Streams the answer to stdout as it arrives; prints usage, latency and the span id on
        stderr. PROMPT '-' reads the prompt from stdin. Keys come from the environment
        (OPENAI_API_KEY, ...); without TRACIA_API_KEY spans go to the local JSONL file.
        Model mock/NAME runs offline.

        """
    printError(text)
    exit(2)
}

func printError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printError("tracia: \(message)\n")
    exit(1)
}

func readStdin() -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &buffer, buffer.count)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func value(after flag: String) -> String {
    guard !args.isEmpty else { fail("\(flag) needs a value") }
    return args.removeFirst()
}

nonisolated(unsafe) var args = Array(CommandLine.arguments.dropFirst())
if args.first == "--version" {
    print(TraciaVersion.string)
    exit(0)
}
guard args.first == "run" else { usage() }
args.removeFirst()
var model: String?
var provider: String?
var system: String?
var json = false
var prompt: String?
while !args.isEmpty {
    let arg = args.removeFirst()
    switch arg {
    case "--model": model = value(after: arg)
    case "--provider": provider = value(after: arg)
    case "--system": system = value(after: arg)
    case "--json": json = true
    case "-h", "--help": usage()
    default: prompt = arg == "-" ? readStdin() : arg
    }
}
guard let model, let prompt else { usage() }

do throws(TraciaError) {
    let client = try TraciaClient(options: ClientOptions.resolve(json: nil))
    var messages: [Message] = []
    if let system { messages.append(Message(role: .system, text: system)) }
    messages.append(Message(role: .user, text: prompt))
    var request = RunRequest(model: model, messages: messages)
    request.stream = true
    if let provider {
        guard let kind = ProviderKind(rawValue: provider) else { fail("unknown provider '\(provider)'") }
        request.provider = kind
    }
    let stream = try client.run(request)
    loop: while true {
        switch stream.next() {
        case .chunk(let bytes, let count):
            if !json {
                _ = write(1, bytes, count)
            }
        case .end, .failed: break loop
        }
    }
    let result = stream.waitForResult()
    if json { print(result.jsonText()) } else { print() }
    client.close()
    if let error = result.error { fail("[\(error.code.name)] \(error.message)") }
    let u = result.usage
    printError(
        "tokens: \(u.inputTokens) in, \(u.outputTokens) out, \(u.totalTokens) total · \(result.latencyMS) ms · span \(result.spanID)\n")
    if let file = client.options.spansFile, client.options.apiKey == nil { printError("span written to \(file)\n") }
} catch {
    fail("[\(error.code.name)] \(error.message)")
}
