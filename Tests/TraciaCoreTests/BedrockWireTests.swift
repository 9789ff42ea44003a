import Testing

@testable import TraciaCore

private let credentials = AWSCredentials(
    accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "SESSIONTOKEN")
private let body = Array(#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.utf8)

@Test func sigV4CanonicalRequestOfAModelIDWithAColon() {
    let signed: [(String, String)] = [
        ("content-type", "application/json"), ("host", "bedrock-runtime.us-east-1.amazonaws.com"),
        ("x-amz-date", "20260101T000000Z"), ("x-amz-security-token", "SESSIONTOKEN"),
    ]
    let canonical = SigV4.canonicalRequest(
        path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream", headers: signed,
        signedNames: "content-type;host;x-amz-date;x-amz-security-token", body: body)
    #expect(
        canonical == """
            POST
            /model/anthropic.claude-3-haiku-20240307-v1%253A0/converse-stream

            content-type:application/json
            host:bedrock-runtime.us-east-1.amazonaws.com
            x-amz-date:20260101T000000Z
            x-amz-security-token:SESSIONTOKEN

            content-type;host;x-amz-date;x-amz-security-token
            c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0
            """)
}

@Test(arguments: [
    ("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream", "4703e4d60d0d6288e8b3e3ca86af8a041533fcbc1fb08b826ab363f5e452ab47"),
    ("/model/anthropic.claude-opus-4-6-v1/converse-stream", "61914523e1f27ec73707d9627002694caee63d118d4e133d743f509d5cca1ad7"),
])
func sigV4Signature(path: String, signature: String) {
    let headers = SigV4.headers(
        host: "bedrock-runtime.us-east-1.amazonaws.com", path: path, body: body, credentials: credentials, region: "us-east-1",
        service: "bedrock", amzDate: "20260101T000000Z")
    #expect(
        headers[0]
            == "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=\(signature)")
    #expect(headers[1] == "X-Amz-Date: 20260101T000000Z" && headers[2] == "X-Amz-Security-Token: SESSIONTOKEN")
}

private let frameHex = """
    00 00 00 9f 00 00 00 57 c3 7b ab ff 0b 3a 65 76 65 6e 74 2d 74 79 70 65 07 00 11 63 6f 6e 74 65 \
    6e 74 42 6c 6f 63 6b 44 65 6c 74 61 0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00 10 61 70 70 \
    6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07 00 05 65 76 \
    65 6e 74 7b 22 63 6f 6e 74 65 6e 74 42 6c 6f 63 6b 49 6e 64 65 78 22 3a 30 2c 22 64 65 6c 74 61 \
    22 3a 7b 22 74 65 78 74 22 3a 22 48 69 22 7d 2c 22 70 22 3a 22 61 62 63 64 22 7d f2 ac e5 ff
    """
private let frame: [UInt8] = frameHex.split(separator: " ").compactMap { UInt8($0, radix: 16) }

private func frames(_ bytes: [UInt8], pieceSize: Int) throws(TraciaError) -> [EventStreamFramer.Message] {
    var framer = EventStreamFramer()
    var out: [EventStreamFramer.Message] = []
    var offset = 0
    while offset < bytes.count {
        let piece = Array(bytes[offset..<min(offset + pieceSize, bytes.count)])
        var failure: TraciaError?
        piece.withUnsafeBytes { buf in
            do throws(TraciaError) { out += try framer.feed(buf) } catch { failure = error }
        }
        if let failure { throw failure }
        offset += pieceSize
    }
    return out
}

@Test(arguments: [1, 7, 159, 1000])
func eventStreamTestVector(pieceSize: Int) throws {
    #expect(frame.count == 159)
    let messages = try frames(frame + frame, pieceSize: pieceSize)
    #expect(messages.count == 2)
    #expect(messages[0].headers == [":event-type": "contentBlockDelta", ":content-type": "application/json", ":message-type": "event"])
    #expect(String(decoding: messages[0].payload, as: UTF8.self) == #"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#)
}

@Test func eventStreamRejectsABadPreludeCRC() {
    var bad = frame
    bad[9] ^= 0xff
    #expect(throws: TraciaError.self) { _ = try frames(bad, pieceSize: 200) }
}

@Test func eventStreamRejectsABadMessageCRC() {
    var bad = frame
    bad[100] ^= 0x01
    #expect(throws: TraciaError.self) { _ = try frames(bad, pieceSize: 200) }
}

@Test func eventStreamWaitsForATruncatedFrame() throws {
    var framer = EventStreamFramer()
    let messages = try Array(frame.prefix(150)).withUnsafeBytes { (buf) throws(TraciaError) in try framer.feed(buf) }
    #expect(messages.isEmpty && framer.pendingBytes == 150)
}
