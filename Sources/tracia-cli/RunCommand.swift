import Glibc
import Synchronization
import TraciaCore

enum RunCommand {
    static func main(_ arguments: [String]) -> Never {
        var options = Options(arguments)
        var model: String?
        var provider: ProviderKind?
        var system: String?
        var toolFiles: [String] = []
        var json = false
        var baseURL: String?
        while let flag = options.next() {
            switch flag {
            case "--model": model = options.value(for: flag)
            case "--provider":
                let name = options.value(for: flag)
                guard let kind = ProviderKind(rawValue: name) else { Terminal.fail("unknown provider '\(name)'", status: 2) }
                provider = kind
            case "--system": system = options.value(for: flag)
            case "--tool": toolFiles.append(options.value(for: flag))
            case "--base-url": baseURL = options.value(for: flag)
            case "--json": json = true
            case "-h", "--help":
                Terminal.out(Help.run)
                exit(0)
            default: Terminal.fail("unknown option '\(flag)'; see 'tracia run --help'", status: 2)
            }
        }
        guard let model, options.positional.count == 1 else {
            Terminal.err(Help.run)
            exit(2)
        }
        var prompt = options.positional[0]
        if prompt == "-" {
            guard let bytes = Terminal.readAll(fd: 0) else { Terminal.fail("cannot read the prompt from stdin") }
            prompt = String(decoding: bytes, as: UTF8.self)
        }

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
            var call = try request(model: model, provider: provider, system: system, prompt: prompt, toolFiles: toolFiles)
            if let baseURL { call.baseURL = try RunRequest.validated(url: baseURL, key: "--base-url") }
            stream = try client.run(call)
        } catch {
            Terminal.fail("[\(error.code.name)] \(error.message)")
        }
        SignalWatcher.start(signals: signals) { stream.abort() }

        // The failure, if any, is in the result below.
        while (try? stream.nextChunk({ bytes -> Void in if !json { _ = write(1, bytes.baseAddress, bytes.count) } })) != nil {}
        let result = stream.waitForResult()
        Terminal.out(json ? result.jsonText() + "\n" : "\n")
        let flushed = client.close()
        let undelivered = spanErrors.messages
        for message in undelivered { Terminal.err("tracia: warning: \(message)\n") }
        if flushed == .timeout {
            let pending = client.spanStats.pending
            Terminal.err("tracia: warning: \(pending) span(s) not delivered within \(client.options.flushTimeoutMS) ms\n")
        }
        if let error = result.error { Terminal.fail("[\(error.code.name)] \(error.message)") }
        let u = result.usage
        Terminal.err(
            "\(u.inputTokens) input + \(u.outputTokens) output = \(u.totalTokens) tokens · \(result.latencyMS) ms · span \(result.spanID)\n"
        )
        if client.options.apiKey == nil, let file = client.options.spansFile, flushed == nil { Terminal.err("span written to \(file)\n") }
        if result.aborted {
            Terminal.err("aborted\n")
            exit(130)
        }
        exit(0)
    }

    private static func request(model: String, provider: ProviderKind?, system: String?, prompt: String, toolFiles: [String])
        throws(TraciaError) -> RunRequest
    {
        var messages: [Message] = []
        if let system { messages.append(Message(role: .system, text: system)) }
        messages.append(Message(role: .user, text: prompt))
        var request = RunRequest(model: model, messages: messages)
        request.stream = true
        request.provider = provider
        for file in toolFiles {
            guard let bytes = Terminal.readFile(file) else { throw TraciaError(.invalidRequest, "cannot read tool file \(file)") }
            request.tools.append(try ToolDefinition.parse(json: String(decoding: bytes, as: UTF8.self)))
        }
        return request
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
