import Testing

@testable import TraciaCore

// Each provider's shape of images and documents, and what each refuses before any I/O.

private let png = "iVBORw0KGgo="  // 8 bytes
private let pdf = "JVBERi0xLjQ="  // "%PDF-1.4"

/// A request of one user message whose content is `parts` (JSON array elements).
private func request(_ parts: String) throws -> RunRequest {
    try RunRequest.parse(json: #"{"model":"m","messages":[{"role":"user","content":[\#(parts)]}]}"#)
}

private func refusal(_ body: () throws(TraciaError) -> JSONObject) -> String {
    do {
        _ = try body()
        return "accepted"
    } catch {
        #expect(error.code == .invalidRequest)
        return error.message
    }
}

private let mixed = #"""
    {"type":"text","text":"Compare"},{"type":"image","data":"\#(png)","media_type":"image/png"},
    {"type":"image_url","image_url":{"url":"https://x.test/b.jpg","detail":"low"}},
    {"type":"document","data":"\#(pdf)","media_type":"application/pdf","filename":"Q3 report.pdf"}
    """#

@Test func openAIChatContentParts() throws {
    var r = try request(
        mixed + #",{"type":"file","file":{"file_id":"file-abc"}},{"type":"document","data":"\#(pdf)","media_type":"application/pdf"}"#)
    let body = try OpenAIAdapter.body(for: r, officialHost: true)
    #expect(
        body["messages"]?.serialized()
            == #"[{"role":"user","content":[{"type":"text","text":"Compare"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://x.test/b.jpg","detail":"low"}},{"type":"file","file":{"filename":"Q3 report.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQ="}},{"type":"file","file":{"file_id":"file-abc"}},{"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQ="}}]}]"#
    )
    // A user message of text alone keeps the plain string content.
    r.messages.append(Message(role: .user, text: "And?"))
    #expect(try OpenAIAdapter.body(for: r, officialHost: true)["messages"]?[1] == ["role": "user", "content": "And?"])
}

@Test func openAIChatRefusals() throws {
    let documentURL = try request(#"{"type":"document","url":"https://x.test/a.pdf"}"#)
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: documentURL, officialHost: true) }
            == "messages[0].content[0]: OpenAI Chat takes a document as base64 data or a file_id, not as an http(s):// URL")
    let heic = try request(#"{"type":"image","data":"\#(png)","media_type":"image/heic"}"#)
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: heic, officialHost: true) }
            == "messages[0].content[0]: OpenAI Chat takes no image/heic image (it takes image/png, image/jpeg, image/webp or image/gif)")
    let word = try request(#"{"type":"document","data":"\#(pdf)","media_type":"application/msword"}"#)
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: word, officialHost: true) }.contains(
            "takes no application/msword document"))
    // 20 MiB and a byte more, once decoded.
    let big = String(repeating: "AAAA", count: (20 << 20) / 3 + 1)
    let oversize = RunRequest(
        model: "m", messages: [Message(role: .user, parts: [.media(MediaPart(kind: .image, source: .base64(big), mediaType: "image/png"))])]
    )
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: oversize, officialHost: true) }.contains(
            "bytes; OpenAI Chat takes at most 20 MiB an image"))
    // Three images of 18 MiB each: each is taken, the 50 MiB of a request is not.
    let eighteen = MediaPart(kind: .image, source: .base64(String(repeating: "AAAA", count: (18 << 20) / 3)), mediaType: "image/png")
    let many = RunRequest(model: "m", messages: [Message(role: .user, parts: Array(repeating: .media(eighteen), count: 3))])
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: many, officialHost: true) }
            == "messages[0].content[2]: OpenAI Chat takes at most 50 MiB of images in a request")
    let tiny = MediaPart(kind: .image, source: .base64(png), mediaType: "image/png")
    let crowd = RunRequest(model: "m", messages: [Message(role: .user, parts: Array(repeating: .media(tiny), count: 501))])
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: crowd, officialHost: true) }.contains(
            "content[500]: OpenAI Chat takes at most 500 images"))
}

@Test func compatibleServersTakeOpenAIsShapeWithTheirOwnTypes() throws {
    let heic = try request(#"{"type":"image","data":"\#(png)","media_type":"image/heic"}"#)
    let body = try OpenAIAdapter.body(for: heic, officialHost: false, media: .openAICompatible)
    #expect(body["messages"]?[0]?["content"]?[0]?["image_url"]?["url"] == "data:image/heic;base64,iVBORw0KGgo=")
    let fileID = try request(#"{"type":"file","file":{"file_id":"file-abc"}}"#)
    #expect(
        refusal { () throws(TraciaError) in try OpenAIAdapter.body(for: fileID, officialHost: false, media: .openAICompatible) }
            == "messages[0].content[0]: Chat Completions takes a document as base64 data, not as a file_id")
}

@Test func anthropicImageAndDocumentBlocks() throws {
    let r = try request(
        mixed + #",{"type":"document","url":"https://x.test/a.pdf"},{"type":"document","data":"aMOpbGxv","media_type":"text/plain"}"#)
    let body = try AnthropicAdapter.body(for: r, samplingAllowed: true)
    #expect(
        body["messages"]?.serialized()
            == #"[{"role":"user","content":[{"type":"text","text":"Compare"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"url","url":"https://x.test/b.jpg"}},{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="},"title":"Q3 report.pdf"},{"type":"document","source":{"type":"url","url":"https://x.test/a.pdf"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"héllo"}}]}]"#
    )
}

@Test func anthropicRefusals() throws {
    func refused(_ parts: String) throws -> String {
        let r = try request(parts)
        return refusal { () throws(TraciaError) in try AnthropicAdapter.body(for: r, samplingAllowed: true) }
    }
    #expect(try refused(#"{"type":"image","data":"\#(png)","media_type":"image/heic"}"#).contains("Anthropic takes no image/heic image"))
    #expect(
        try refused(#"{"type":"document","url":"https://x.test/a.txt","media_type":"text/plain"}"#)
            == "messages[0].content[0]: Anthropic takes no text/plain document from a URL (it takes application/pdf)")
    #expect(
        try refused(#"{"type":"file","file":{"file_id":"file-abc"}}"#).contains(
            "Anthropic takes a document as base64 data or an http(s):// URL, not as a file_id"))
    #expect(try refused(#"{"type":"document","data":"//79","media_type":"text/plain"}"#).contains("its data must decode to UTF-8"))
    #expect(try refused(#"{"type":"image","url":"s3://b/a.png"}"#).contains("not as an s3:// URL"))
    // 5 MiB of base64 is the most; a character more is refused.
    let limit = String(repeating: "AAAA", count: (5 << 20) / 4)
    let atLimit = RunRequest(
        model: "m",
        messages: [Message(role: .user, parts: [.media(MediaPart(kind: .image, source: .base64(limit), mediaType: "image/png"))])])
    #expect(throws: Never.self) { try AnthropicAdapter.body(for: atLimit, samplingAllowed: true) }
    let over = RunRequest(
        model: "m",
        messages: [Message(role: .user, parts: [.media(MediaPart(kind: .image, source: .base64(limit + "AAAA"), mediaType: "image/png"))])])
    #expect(
        refusal { () throws(TraciaError) in try AnthropicAdapter.body(for: over, samplingAllowed: true) }
            == "messages[0].content[0]: the image is 5242884 bytes of base64; Anthropic takes at most 5 MiB of base64 an image")
}

@Test func geminiInlineDataAndFileData() throws {
    let r = try request(
        #"{"type":"text","text":"Compare"},{"type":"image","data":"\#(png)","media_type":"image/png"},{"type":"image","url":"gs://b/a.jpg","media_type":"image/jpeg"},{"type":"document","url":"https://x.test/a.pdf"}"#
    )
    let body = try GeminiAdapter.body(for: r)
    #expect(
        body["contents"]?.serialized()
            == #"[{"role":"user","parts":[{"text":"Compare"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},{"fileData":{"mimeType":"image/jpeg","fileUri":"gs://b/a.jpg"}},{"fileData":{"fileUri":"https://x.test/a.pdf"}}]}]"#
    )
    let gif = try request(#"{"type":"image","data":"\#(png)","media_type":"image/gif"}"#)
    #expect(refusal { () throws(TraciaError) in try GeminiAdapter.body(for: gif) }.contains("Gemini takes no image/gif image"))
    let s3 = try request(#"{"type":"image","url":"s3://b/a.png"}"#)
    #expect(
        refusal { () throws(TraciaError) in try GeminiAdapter.body(for: s3) }.contains(
            "Gemini takes an image as base64 data, an http(s):// URL or a gs:// URL, not as an s3:// URL"))
}

@Test func bedrockImageAndDocumentBlocks() throws {
    let r = try request(
        #"{"type":"text","text":"Compare"},{"type":"image","data":"\#(png)","media_type":"image/png"},{"type":"image","url":"s3://b/b.jpg","media_type":"image/jpeg"},{"type":"document","data":"\#(pdf)","media_type":"application/pdf","filename":"Q3 report.pdf"}"#
            + #",{"type":"document","data":"\#(pdf)","media_type":"application/pdf","filename":"q3 REPORT.docx"},{"type":"document","url":"s3://b/c.csv","media_type":"text/csv"},{"type":"document","data":"\#(pdf)","media_type":"application/pdf","filename":"über/../é.pdf"}"#
    )
    let body = try BedrockAdapter.body(for: r)
    #expect(
        body["messages"]?.serialized()
            == #"[{"role":"user","content":[{"text":"Compare"},{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}},{"image":{"format":"jpeg","source":{"s3Location":{"uri":"s3://b/b.jpg"}}}},{"document":{"format":"pdf","name":"Q3 report","source":{"bytes":"JVBERi0xLjQ="}}},{"document":{"format":"pdf","name":"q3 REPORT-2","source":{"bytes":"JVBERi0xLjQ="}}},{"document":{"format":"csv","name":"document","source":{"s3Location":{"uri":"s3://b/c.csv"}}}},{"document":{"format":"pdf","name":"ber","source":{"bytes":"JVBERi0xLjQ="}}}]}]"#
    )
}

@Test func bedrockDocumentNamesAreUniqueAndAllowed() {
    var names = BedrockMedia.DocumentNames()
    #expect(names.name(for: nil) == "document")
    #expect(names.name(for: nil) == "document-2")
    #expect(names.name(for: "Document.pdf") == "Document-3")
    #expect(names.name(for: "a  b__c (v1) [final].tar.gz") == "a b c (v1) [final] tar")
    #expect(names.name(for: ".env") == "env")
    #expect(names.name(for: "日本語.pdf") == "document-4")
    #expect(names.name(for: String(repeating: "x", count: 300)).count == 190)
}

@Test func bedrockRefusals() throws {
    func refused(_ parts: String) throws -> String {
        let r = try request(parts)
        return refusal { () throws(TraciaError) in try BedrockAdapter.body(for: r) }
    }
    #expect(
        try refused(#"{"type":"text","text":"?"},{"type":"image","url":"https://x.test/a.png"}"#)
            == "messages[0].content[1]: Bedrock Converse takes an image as base64 data or an s3:// URL, not as an http(s):// URL")
    #expect(
        try refused(#"{"type":"image","url":"s3://b/a.png"}"#)
            == "messages[0].content[0]: Bedrock Converse needs the image's media_type (its format)")
    #expect(
        try refused(#"{"type":"text","text":"?"},{"type":"document","data":"\#(pdf)","media_type":"application/zip"}"#).contains(
            "takes no application/zip document"))
    #expect(
        try refused(#"{"type":"document","data":"\#(pdf)","media_type":"application/pdf"}"#).contains("needs a text part beside a document")
    )
    let six = Array(repeating: #"{"type":"document","data":"\#(pdf)","media_type":"application/pdf"}"#, count: 6).joined(separator: ",")
    #expect(
        try refused(#"{"type":"text","text":"?"},"# + six)
            == "messages[0].content[6]: Bedrock Converse takes at most 5 documents in a request")
}

@Test func spansRecordMediaWithoutItsBytes() throws {
    let r = try request(
        mixed
            + #",{"type":"image","url":"https://user:secret@x.test/a.png?X-Amz-Signature=abc#frag"},{"type":"file","file":{"file_id":"file-abc"}}"#
    )
    let recorded = SpanPayload.messagesJSON(r.messages).serialized()
    #expect(
        recorded
            == #"[{"role":"user","content":[{"type":"text","text":"Compare"},{"type":"image","mediaType":"image/png","sizeBytes":8},{"type":"image","url":"https://x.test/b.jpg","detail":"low"},{"type":"document","mediaType":"application/pdf","sizeBytes":8,"filename":"Q3 report.pdf"},{"type":"image","url":"https://x.test/a.png"},{"type":"document","fileId":"file-abc"}]}]"#
    )
    #expect(!recorded.contains(png) && !recorded.contains(pdf) && !recorded.contains("secret") && !recorded.contains("Signature"))
    #expect(MediaRecord.withoutCredentials("s3://bucket/key?versionId=1") == "s3://bucket/key")
    #expect(MediaRecord.withoutCredentials("https://x.test/a@b.png") == "https://x.test/a@b.png")
}

@Test func otlpExportsCarryNoMedia() throws {
    let r = try request(mixed)
    let call = ResolvedCall(
        request: r, provider: .openai, apiKey: "k", baseURL: nil, timeoutMS: 1000, idleTimeoutMS: 1000, firstChunkTimeoutMS: nil,
        connectTimeoutMS: 1000,
        caFile: nil, maxRetries: 0, maxResponseBytes: 1 << 20, providerSettings: nil, secrets: [])
    let finished = FinishedCall(
        call: call, spanID: "sp_0123456789abcdef", traceID: "tr_0123456789abcdef", accumulator: Accumulator(), toolCalls: [],
        outcome: .success, latencyMS: 1, timeToFirstTokenMS: nil, startUnixNS: 0, endUnixNS: 1)
    for exported in [OTLPEncoder.encode(finished, serviceName: "s"), SpanPayload.build(finished, withTimes: true)] {
        let text = String(decoding: exported, as: UTF8.self)
        #expect(text.contains("sp_0123456789abcdef") || text.contains("0123456789abcdef"))
        #expect(!text.contains(png) && !text.contains(pdf))
    }
}
