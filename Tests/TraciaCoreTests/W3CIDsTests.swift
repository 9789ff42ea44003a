import Testing

@testable import TraciaCore

@Test func traceAndParentIDsTakeAnyTextButControlCharacters() throws {
    let base = #"{"model":"m","messages":[{"role":"user","content":"x"}]"#
    let r = try RunRequest.parse(json: base + #","trace_id":"my trace / 42 é","parent_span_id":"span-7"}"#)
    #expect(r.traceID == "my trace / 42 é" && r.parentSpanID == "span-7")
    let w3c = try RunRequest.parse(json: base + #","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","parent_span_id":"00f067aa0ba902b7"}"#)
    #expect(w3c.traceID == "4bf92f3577b34da6a3ce929d0e0e4736" && w3c.parentSpanID == "00f067aa0ba902b7")
    for (key, value, fragment) in [
        ("trace_id", #""""#, "'trace_id' must not be empty"), ("parent_span_id", #""a\tb""#, "'parent_span_id' must not contain control"),
        ("trace_id", #""a\u007fb""#, "'trace_id' must not contain control"), ("trace_id", "7", "'trace_id' in request must be a string"),
    ] {
        do {
            _ = try RunRequest.parse(json: base + ",\"\(key)\":\(value)}")
            Issue.record("\(key): \(value) was taken")
        } catch {
            #expect(error.code == .invalidRequest && error.message.contains(fragment), "\(error.message)")
        }
    }
    // The span id stays the SDK's format: it names the span this call makes.
    #expect(throws: TraciaError.self) { try RunRequest.parse(json: base + #","span_id":"span-7"}"#) }
}

@Test(arguments: [
    // Tracia ids keep their digits (lowercased); W3C ids are kept.
    ("tr_00000000000000AB", "000000000000000000000000000000ab", "sp_00000000000000CD", "00000000000000cd"),
    ("4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "00f067aa0ba902b7"),
    // Anything else is hashed: the leading bytes of SHA-256("abc") and SHA-256("") (FIPS 180-2 vectors).
    ("abc", "ba7816bf8f01cfea414140de5dae2223", "abc", "ba7816bf8f01cfea"),
    ("tr_xyz", nil, "", "e3b0c44298fc1c14"),
    // All zeros is no valid W3C id: hashed too.
    ("00000000000000000000000000000000", nil, "sp_0000000000000000", nil),
])
func w3cIDs(trace: String, traceW3C: String?, span: String, spanW3C: String?) {
    let t = W3CIDs.traceID(trace)
    let s = W3CIDs.spanID(span)
    if let traceW3C { #expect(t == traceW3C) }
    if let spanW3C { #expect(s == spanW3C) }
    for (id, count) in [(t, 32), (s, 16)] {
        #expect(id.utf8.count == count && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        #expect(id.utf8.contains { $0 != 48 })
    }
    #expect(W3CIDs.traceID(trace) == t && W3CIDs.spanID(span) == s)  // the same text, the same id
}
