import Testing

@testable import TraciaCore

private let geminiKey = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"

@Test func aKeyFollowedByACombiningMarkIsStillRedacted() {
    // U+0301 after the key makes its last letter and the accent one Character.
    let text = "echo: \(geminiKey)\u{301} end"
    let out = Redaction.scrub(text, secrets: [geminiKey])
    #expect(!out.contains("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBW"), "\(out)")
    #expect(out.utf8.starts(with: "echo: [REDACTED]".utf8), "compared as bytes: the accent now sits on the bracket")
}

@Test func aKeyCutByAnExcerptIsRedactedAtEveryCut() {
    let key = Array(geminiKey.utf8)
    for cut in Redaction.shortestCut..<key.count {
        let excerpt = "HTTP 400: invalid key " + String(decoding: key[..<cut], as: UTF8.self)
        let out = Redaction.scrub(excerpt, secrets: [geminiKey])
        #expect(out == "HTTP 400: invalid key [REDACTED]", "cut at \(cut): \(out)")
        let tail = String(decoding: key[(key.count - cut)...], as: UTF8.self) + " was rejected"
        #expect(Redaction.scrub(tail, secrets: [geminiKey]) == "[REDACTED] was rejected", "cut at \(cut)")
    }
}

@Test func textWithoutSecretsIsUnchanged() {
    let text = "HTTP 400: the model said no (é, 中文, emoji 🙂)"
    #expect(Redaction.scrub(text, secrets: [geminiKey, "another-secret-value"]) == text)
}

@Test func everyOccurrenceOfEverySecretIsRedacted() {
    let token = "FwoGZXIvYXdzEJr//////////wEaDOiXdmRmVjE3Njk5MzE1NiK5AeN5pAnf9"
    let text = "a \(geminiKey) b \(token) c \(geminiKey)"
    #expect(Redaction.scrub(text, secrets: [geminiKey, token]) == "a [REDACTED] b [REDACTED] c [REDACTED]")
}

@Test(arguments: [
    ("https://user:pa55w0rd@collector.example/v1/traces", "https://[REDACTED]@collector.example/v1/traces"),
    ("http://token@127.0.0.1:4318/v1/traces?x=a@b", "http://[REDACTED]@127.0.0.1:4318/v1/traces?x=a@b"),
    ("https://app.tracia.io/api/v1/spans", "https://app.tracia.io/api/v1/spans"),
    ("not a url", "not a url"),
])
func credentialsInAURLAreRemovedFromItsName(_ url: String, _ expected: String) {
    #expect(Redaction.withoutCredentials(url) == expected)
}
