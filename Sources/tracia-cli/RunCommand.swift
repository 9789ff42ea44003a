import Glibc
import Synchronization
import TraciaCore

enum RunCommand {
    static func main(_ arguments: [String]) -> Never {
        var options = Options(arguments)
        var request = JSONObject()
        var model: String?
        var system: String?
        var toolFiles: [String] = []
        var json = false
        var showReasoning = false
        while let flag = options.next() {
            switch flag {
            case "--model": model = options.value(for: flag)
            case "--system": system = options.value(for: flag)
            case "--tool": toolFiles.append(options.value(for: flag))
            case "--json": json = true
            case "--show-reasoning": showReasoning = true
            case "-h", "--help":
                Terminal.out(Help.run)
                exit(0)
            default:
                guard let row = RequestFlags.row(flag) else { Terminal.fail("unknown option \(flag); see 'tracia run --help'", status: 2) }
                RequestFlags.apply(row, value: RequestFlags.takesValue(row) ? options.value(for: flag) : nil, to: &request)
            }
        }
        guard let model else { Terminal.fail("missing --model (e.g. --model gpt-4.1-mini, or mock/echo offline)", status: 2) }
        guard options.positional.count == 1 else {
            let given = options.positional.isEmpty ? "none was given" : "\(options.positional.count) were given; quote it"
            Terminal.fail("the prompt must be one argument, or - to read it from stdin (\(given))", status: 2)
        }
        var prompt = options.positional[0]
        if prompt == "-" {
            guard let bytes = Terminal.readAll(fd: 0) else { Terminal.fail("cannot read the prompt from stdin") }
            prompt = String(decoding: bytes, as: UTF8.self)
        }
        var messages: [JSON] = []
        if let system { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(prompt)])
        request["model"] = .string(model)
        request["messages"] = .array(messages)
        request["stream"] = true
        if !toolFiles.isEmpty { request["tools"] = .array(toolFiles.map(readTool)) }

        // Ctrl-C is handled by a thread in sigwait, so the abort runs outside signal context.
        // The mask is set before any thread starts so that every thread inherits it.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let client: TraciaClient
        let stream: CallStream
        let spanErrors = SpanErrors()
        do throws(TraciaError) {
            client = try TraciaClient(options: ClientOptions.resolve(json: nil))
            client.onSpanError { _, error in spanErrors.add(error.message) }
            stream = try client.run(try RunRequest.parse(json: JSON.object(request).serialized()))
        } catch {
            Terminal.fail("[\(error.code.name)] \(RequestFlags.naming(error.message))")
        }
        SignalWatcher.start(signals: signals) { stream.abort() }

        // The failure, if any, is in the result below.
        if showReasoning && !json {
            ReasoningDisplay(onTerminal: isatty(1) == 1).show(stream)
        } else {
            while (try? stream.nextChunk({ bytes -> Void in if !json { _ = write(1, bytes.baseAddress, bytes.count) } })) != nil {}
        }
        let result = stream.waitForResult()
        if json {
            Terminal.out(result.jsonText() + "\n")
        } else {
            if !result.text.isEmpty { Terminal.out("\n") }
            for call in result.toolCalls {
                Terminal.out("tool call \(call.name)(\(JSON.object(call.arguments).serialized())) id \(call.id)\n")
            }
        }
        let flushed = client.close()
        let undelivered = spanErrors.messages
        for message in undelivered { Terminal.err("tracia: warning: \(message)\n") }
        if flushed == .timeout {
            let pending = client.spanStats.pending
            Terminal.err("tracia: warning: \(pending) span(s) not delivered within \(client.options.flushTimeoutMS) ms\n")
        }
        if let error = result.error { Terminal.fail("[\(error.code.name)] \(error.message)") }
        let u = result.usage
        let firstToken = result.timeToFirstTokenMS.map { " · first token \($0) ms" } ?? ""
        Terminal.err(
            "\(u.inputTokens) input + \(u.outputTokens) output = \(u.totalTokens) tokens · \(result.latencyMS) ms\(firstToken) · span \(result.spanID)\n"
        )
        let traced = request["send_trace"] != false
        if traced, client.options.apiKey == nil, let file = client.options.spansFile, flushed == nil {
            Terminal.err("span written to \(file)\n")
        }
        if result.aborted {
            Terminal.err("aborted\n")
            exit(130)
        }
        exit(0)
    }

    /// A tool definition file as JSON; the library validates its keys.
    private static func readTool(_ file: String) -> JSON {
        guard let bytes = Terminal.readFile(file) else { Terminal.fail("cannot read tool file \(file)", status: 2) }
        guard let tool = bytes.withUnsafeBytes({ try? JSON(parsing: $0) }) else {
            Terminal.fail("tool file \(file) is not JSON", status: 2)
        }
        return tool
    }
}

/// The answer on stdout and the reasoning as it arrives: dimmed before the answer on a
/// terminal, on stderr otherwise. Reasoning is a server's text: control characters other than
/// line breaks are shown as escapes, so it cannot drive the terminal.
struct ReasoningDisplay {
    let onTerminal: Bool

    func show(_ stream: CallStream) {
        var reasoning = false
        while case .event(let event) = stream.nextEvent() {
            let text = String(decoding: UnsafeRawBufferPointer(start: event.data, count: event.count), as: UTF8.self)
            switch event.kind {
            case .reasoning:
                if !reasoning && onTerminal { Terminal.out("\u{1B}[2m") }
                reasoning = true
                let shown = SpanTable.printable(text, keepingLineBreaks: true)
                if onTerminal { Terminal.out(shown) } else { Terminal.err(shown) }
            case .text:
                if reasoning { endReasoning() }
                reasoning = false
                Terminal.out(text)
            default: break
            }
        }
        if reasoning { endReasoning() }
    }

    private func endReasoning() {
        if onTerminal { Terminal.out("\u{1B}[0m\n\n") } else { Terminal.err("\n") }
    }
}

/// What the span-error callback told, in order (it runs on the client's engine thread).
final class SpanErrors: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ message: String) { list.withLock { $0.append(message) } }
    var messages: [String] { list.withLock { $0 } }
}

/// Runs `action` on its own thread each time one of `signals` arrives.
enum SignalWatcher {
    private final class Context {
        let signals: sigset_t
        let action: () -> Void
        init(signals: sigset_t, action: @escaping () -> Void) {
            self.signals = signals
            self.action = action
        }
    }

    static func start(signals: sigset_t, action: @escaping () -> Void) {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Context(signals: signals, action: action)).toOpaque()
        pthread_create(
            &thread, nil,
            { raw in
                let context = Unmanaged<Context>.fromOpaque(raw!).takeRetainedValue()
                var signals = context.signals
                var received: Int32 = 0
                while sigwait(&signals, &received) == 0 { context.action() }
                return nil
            }, context)
        pthread_detach(thread)
    }
}
