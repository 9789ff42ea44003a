import TraciaCore

// Streams a call with Swift concurrency: `for try await` over the chunks, then the result.
// Cancelling the task that iterates aborts the call. MODEL defaults to mock/echo (offline).

let model = CommandLine.arguments.dropFirst().first ?? "mock/echo"
let client = try TraciaClient(options: ClientOptions.resolve(json: nil))
defer { client.close() }

var request = RunRequest(model: model, messages: [Message(role: .user, text: "Tell me about Swift concurrency.")])
request.stream = true
if model.hasPrefix("mock/") { request.mock.chunks = ["Structured ", "concurrency ", "makes ", "streams ", "easy."] }

let stream = try client.run(request)
print("span \(stream.spanID)")
for try await chunk in stream {
    print(chunk, terminator: "")
}
let result = try await stream.result
print("\n\(result.usage.totalTokens) tokens, finish reason \(result.finishReason?.rawValue ?? "none")")

// A second call, cancelled after its first chunk: the task's cancellation aborts it.
request.mock.chunkDelayMS = 20
let slow = try client.run(request)
let reader = Task {
    var chunks = 0
    for try await _ in slow {
        chunks += 1
        withUnsafeCurrentTask { $0?.cancel() }
    }
    return chunks
}
_ = try await reader.value
print("aborted: \(try await slow.result.aborted)")
