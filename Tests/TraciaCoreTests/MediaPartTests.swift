import Testing

@testable import TraciaCore

// Images and documents in user messages: both accepted shapes parse into one MediaPart, and
// every malformed part is refused with what is wrong.

/// The parts of a user message given as JSON text (the elements of its content array).
private func userParts(_ parts: String, role: String = "user") throws(TraciaError) -> [ContentPart] {
    let r = try RunRequest.parse(json: #"{"model":"m","messages":[{"role":"\#(role)","content":[\#(parts)]}]}"#)
    return r.messages[0].parts
}

private func media(_ part: String) throws -> MediaPart {
    let parts = try userParts(part)
    guard case .media(let m) = parts.first else { throw TraciaError(.invalidRequest, "not a media part: \(parts)") }
    return m
}

private func refusal(_ part: String, role: String = "user") -> String {
    do {
        _ = try userParts(part, role: role)
        return "accepted"
    } catch {
        #expect(error.code == .invalidRequest)
        return error.message
    }
}

@Test func theNeutralImageShapes() throws {
    #expect(try media(#"{"type":"image","url":"https://x.test/a.png"}"#) == MediaPart(kind: .image, source: .url("https://x.test/a.png")))
    #expect(
        try media(#"{"type":"image","data":"aGVsbG8=","media_type":"image/png","detail":"low"}"#)
            == MediaPart(kind: .image, source: .base64("aGVsbG8="), mediaType: "image/png", detail: .low))
    // The camelCase spelling; media types are case-insensitive, and image/jpg is image/jpeg.
    #expect(try media(#"{"type":"image","data":"aGk=","mediaType":"IMAGE/JPG"}"#).mediaType == "image/jpeg")
    #expect(
        try media(#"{"type":"image","url":"data:image/webp;base64,YWJj"}"#)
            == MediaPart(kind: .image, source: .base64("YWJj"), mediaType: "image/webp"))
    #expect(try media(#"{"type":"image","url":"gs://bucket/a.png","media_type":"image/png"}"#).mediaType == "image/png")
    #expect(try media(#"{"type":"image","url":"s3://bucket/a.png"}"#).source == .url("s3://bucket/a.png"))
}

@Test func theNeutralDocumentShapes() throws {
    #expect(
        try media(#"{"type":"document","data":"JVBERi0=","media_type":"application/pdf","filename":"a.pdf"}"#)
            == MediaPart(kind: .document, source: .base64("JVBERi0="), mediaType: "application/pdf", filename: "a.pdf"))
    #expect(
        try media(#"{"type":"document","url":"https://x.test/a.pdf","media_type":"application/pdf"}"#)
            == MediaPart(kind: .document, source: .url("https://x.test/a.pdf"), mediaType: "application/pdf"))
    // Parameters of a data: URL other than base64 are dropped.
    #expect(
        try media(#"{"type":"document","url":"data:text/plain;charset=utf-8;base64,aGk="}"#)
            == MediaPart(kind: .document, source: .base64("aGk="), mediaType: "text/plain"))
}

@Test func openAIsContentPartShapes() throws {
    #expect(
        try media(#"{"type":"image_url","image_url":{"url":"data:image/png;base64,aGk=","detail":"high"}}"#)
            == MediaPart(kind: .image, source: .base64("aGk="), mediaType: "image/png", detail: .high))
    #expect(
        try media(#"{"type":"image_url","image_url":{"url":"https://x.test/a.jpg"}}"#)
            == MediaPart(kind: .image, source: .url("https://x.test/a.jpg")))
    // The URL as a string, as some clients send it.
    #expect(try media(#"{"type":"image_url","image_url":"https://x.test/a.jpg"}"#).source == .url("https://x.test/a.jpg"))
    #expect(
        try media(#"{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}}"#)
            == MediaPart(kind: .document, source: .base64("JVBERi0="), mediaType: "application/pdf", filename: "a.pdf"))
    #expect(try media(#"{"type":"file","file":{"file_id":"file-abc"}}"#) == MediaPart(kind: .document, source: .fileID("file-abc")))
}

@Test func mediaPartsKeepTheirPlaceAmongTheText() throws {
    let parts = try userParts(
        #"{"type":"text","text":"What is this?"},{"type":"image","url":"https://x.test/a.png"},{"type":"text","text":"Thanks"}"#)
    #expect(parts == [.text("What is this?"), .media(MediaPart(kind: .image, source: .url("https://x.test/a.png"))), .text("Thanks")])
    let message = Message(role: .user, parts: parts)
    #expect(message.text == "What is this?Thanks" && message.media.count == 1)
}

@Test func base64SizesAndBytes() {
    #expect(Base64.decodedCount(of: "aGVsbG8=") == 5)
    #expect(Base64.decodedCount(of: "aGk=") == 2)
    #expect(Base64.decodedCount(of: "YWJj") == 3)
    #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
    #expect(Base64.decode("+/8=") == [0xFB, 0xFF])
    #expect(Base64.decode("AAECAwQFBgcICQ==") == Array(0...9))
    for bad in ["", "aGVsbG8", "aGVs\nbG8=", "a===", "=aGk", "aG=k", "aGk!", "aGk_", "aGk-"] {
        #expect(!Base64.isValid(bad), "\(bad.debugDescription)")
    }
}

@Test(arguments: [
    (#"{"type":"image","data":"not base64!","media_type":"image/png"}"#, "'data' is not base64"),
    (#"{"type":"image","data":"aGVsbG8","media_type":"image/png"}"#, "'data' is not base64"),
    (#"{"type":"image","data":"aGk=\n","media_type":"image/png"}"#, "no line breaks"),
    (#"{"type":"image","data":"aGk="}"#, "'media_type' is required with 'data'"),
    (#"{"type":"image","data":"data:image/png;base64,aGk=","media_type":"image/png"}"#, "without a data: prefix"),
    (#"{"type":"image","url":"https://x.test/a.png","data":"aGk=","media_type":"image/png"}"#, "either 'url' or 'data'"),
    (#"{"type":"image"}"#, "either 'url' or 'data'"),
    (#"{"type":"image","url":"data:image/png,aGk="}"#, "is not a base64 data: URL"),
    (#"{"type":"image","url":"data:;base64,aGk="}"#, "is not a base64 data: URL"),
    (#"{"type":"image","url":"data:image/png;base64"}"#, "is not a base64 data: URL"),
    (#"{"type":"image","url":"data:png;base64,aGk="}"#, "'png' is not a media type"),
    (#"{"type":"image","url":"data:image/png;base64,a*k="}"#, "'url' is not base64"),
    (#"{"type":"image","url":"ftp://x.test/a.png"}"#, "must be an http(s)://, gs:// or s3:// URL"),
    (#"{"type":"image","url":"file:///etc/passwd"}"#, "must be an http(s)://, gs:// or s3:// URL"),
    (#"{"type":"image","url":"https://x.test/a b.png"}"#, "without spaces"),
    (#"{"type":"image","url":"https://"}"#, "must be an http(s)://"),
    (#"{"type":"image","data":"aGk=","media_type":"application/pdf"}"#, "an image needs an image/* media type"),
    (#"{"type":"document","data":"aGk=","media_type":"image/png"}"#, "image/png is an image: give it as an image part"),
    (
        #"{"type":"image","url":"data:image/png;base64,aGk=","media_type":"image/gif"}"#,
        "'media_type' is image/gif but the data: URL holds image/png"
    ),
    (#"{"type":"image","url":"https://x.test/a.png","detail":"ultra"}"#, "unknown detail 'ultra'"),
    (#"{"type":"image","url":"https://x.test/a.png","filename":"a.png"}"#, "unknown key 'filename'"),
    (#"{"type":"document","url":"https://x.test/a.pdf","detail":"low"}"#, "unknown key 'detail'"),
    (#"{"type":"image_url"}"#, "'image_url' is required"),
    (#"{"type":"image_url","image_url":{"url":"https://x.test/a.png","size":1}}"#, "unknown key 'size'"),
    (#"{"type":"image_url","image_url":{"detail":"low"}}"#, "'url' is required"),
    (#"{"type":"file","file":{"file_data":"JVBERi0=","filename":"a.pdf"}}"#, "'file_data' must be a data: URL"),
    (#"{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","file_id":"file-1"}}"#, "either 'file_data' or 'file_id'"),
    (#"{"type":"file","file":{}}"#, "either 'file_data' or 'file_id'"),
    (
        #"{"type":"video","url":"https://x.test/a.mp4"}"#,
        "expected text, tool_call, reasoning, server_tool, image, document, image_url or file"
    ),
])
func malformedMediaPartsAreRefused(part: String, fragment: String) {
    let message = refusal(part)
    #expect(message.contains(fragment), "\(message)")
}

@Test(arguments: ["assistant", "system", "developer"])
func mediaPartsBelongToUserMessages(role: String) {
    for part in [#"{"type":"image","url":"https://x.test/a.png"}"#, #"{"type":"file","file":{"file_id":"file-1"}}"#] {
        #expect(refusal(part, role: role).contains("parts belong to user messages"))
    }
}

@Test func aToolMessageTakesNoMedia() {
    let json = #"{"model":"m","messages":[{"role":"tool","tool_call_id":"c","content":[{"type":"image","url":"https://x.test/a.png"}]}]}"#
    #expect(throws: TraciaError.self) { try RunRequest.parse(json: json) }
}
