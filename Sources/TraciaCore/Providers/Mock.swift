/// The in-process `mock` provider: streams a given response (or an echo of the last user
/// message), tool calls, delays and injected errors, without any network.
final class MockCall: EngineTask {
    let stream: CallStream
    private let chunks: [String]
    private let behaviour: MockBehaviour
    private let deadline: Int64
    private let firstChunkDeadline: Int64
    private var emitted = 0
    private var reasoned = 0
    private var ended = false

    init(stream: CallStream) {
        self.stream = stream
        let request = stream.call.request
        behaviour = request.mock
        let lastUser = request.messages.last(where: { $0.role == .user })?.text ?? ""
        let all = behaviour.chunks ?? MockBehaviour.words(of: lastUser)
        chunks = request.stream ? all : (all.isEmpty ? [] : [all.joined()])
        deadline = Clock.nowMS().saturatingAdding(Int64(stream.call.timeoutMS))
        firstChunkDeadline = stream.call.firstChunkTimeoutMS.map { Clock.nowMS().saturatingAdding(Int64($0)) } ?? .max
    }

    func start(on engine: Engine) { step(on: engine) }

    func cancel(on engine: Engine) { ended = true }

    func checkDeadlines(now: Int64, on engine: Engine) -> Int64 {
        guard !ended else { return .max }
        if now >= deadline {
            end(TraciaError(.timeout, "the call timed out after \(stream.call.timeoutMS) ms"), on: engine)
            return .max
        }
        if stream.hasContent { return deadline }
        if now >= firstChunkDeadline {
            end(stream.call.noContentInTime, on: engine)
            return .max
        }
        return min(deadline, firstChunkDeadline)
    }

    private func step(on engine: Engine) {
        while !ended {
            guard stream.isLive else { return end(nil, on: engine) }
            if let error = behaviour.error, emitted >= behaviour.errorAfterChunks {
                return end(error, on: engine)
            }
            if reasoned < behaviour.reasoning.count || emitted < chunks.count {
                if behaviour.chunkDelayMS > 0 && !isWaiting {
                    isWaiting = true
                    engine.schedule(afterMS: Int64(behaviour.chunkDelayMS)) { [self] in step(on: engine) }
                    return
                }
                isWaiting = false
                if reasoned < behaviour.reasoning.count {
                    var word = behaviour.reasoning[reasoned]
                    word.withUTF8 { stream.reasoning($0, block: 0) }
                    reasoned += 1
                } else {
                    var text = chunks[emitted]
                    text.withUTF8 { stream.text($0) }
                    emitted += 1
                }
                stream.publish()
                continue
            }
            for (i, call) in behaviour.toolCalls.enumerated() {
                stream.toolCallStart(index: i, id: call.id, name: call.name)
                call.arguments.serializedBytes().withUnsafeBufferPointer { stream.toolCallArguments(index: i, fragment: $0) }
            }
            let input = (stream.call.request.messages.reduce(0) { $0 + $1.text.utf8.count } + 3) / 4
            let reasoningTokens = behaviour.reasoning.isEmpty ? nil : behaviour.reasoning.count
            let output = chunks.count + behaviour.toolCalls.count + (reasoningTokens ?? 0)
            stream.usage(Usage(inputTokens: input, outputTokens: output, totalTokens: input + output, reasoningTokens: reasoningTokens))
            // The mock speaks of its stop as Chat Completions does.
            stream.finish(FinishReasons.openAI.finish(behaviour.toolCalls.isEmpty ? "stop" : "tool_calls"))
            return end(nil, on: engine)
        }
    }

    private var isWaiting = false

    private func end(_ error: TraciaError?, on engine: Engine) {
        guard !ended else { return }
        ended = true
        stream.complete(error)
        engine.taskEnded(self)
    }
}
