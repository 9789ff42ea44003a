import Testing

@testable import TraciaCore

// include/tracia.h is the manual: its codes and its key lists are held to the tables the code uses.

private let header = HeaderFile()

@Test func errorCodesOfTheHeaderAreTheErrorCodeTable() {
    let documented = header.defines(prefix: "TRACIA_E_")
    let table = ErrorCode.allCases.map {
        HeaderFile.Define(name: "TRACIA_E_\($0.name)", value: "(\($0.rawValue))", comment: $0.entry.meaning.description)
    }
    #expect(documented.count == table.count, "the header has \(documented.count) TRACIA_E_* codes, ErrorCode \(table.count)")
    for code in table where !documented.contains(code) {
        let found = documented.first { $0.name == code.name }
        Issue.record("\(code.name): the header says \(found.map { "\($0.value) /* \($0.comment) */" } ?? "nothing")")
    }
}

@Test func statusCodesOfTheHeaderAreTheABIStatusTable() {
    for status in ABIStatus.allCases {
        let name = "TRACIA_\(status.entry.name)"
        let found = header.defines(prefix: name).first { $0.name == name }
        #expect(found?.value == "\(status.rawValue)", "\(name)")
        #expect(found?.comment == status.entry.meaning.description, "\(name)")
    }
}

@Test func eventTypesOfTheHeaderAreTheStreamEventKindTable() {
    let documented = header.defines(prefix: "TRACIA_EVENT_")
    let table = StreamEventKind.allCases.map {
        HeaderFile.Define(name: "TRACIA_EVENT_\($0.entry.name)", value: "\($0.rawValue)", comment: $0.entry.meaning.description)
    }
    #expect(documented == table, "the header's TRACIA_EVENT_* are \(documented)")
}

@Test func everyOptionKeyIsDocumentedAtTraciaClientNew() {
    let comment = header.docComment(of: "tracia_client *tracia_client_new(")
    #expect(!comment.isEmpty, "no doc comment above tracia_client_new")
    expectDocumented(HeaderFile.keys(in: comment, section: "OPTION KEYS"), accepted: ClientOptions.keys, "OPTION KEYS")
}

@Test func everyRequestKeyIsDocumentedAtTraciaRunLocal() {
    let comment = header.docComment(of: "tracia_stream *tracia_run_local(")
    #expect(!comment.isEmpty, "no doc comment above tracia_run_local")
    let sections: [(String, Set<String>)] = [
        ("REQUEST KEYS", RunRequest.keys),
        ("MESSAGE KEYS", RunRequest.messageKeys),
        ("CONTENT PART KEYS", RunRequest.contentPartKeys),
        ("IMAGE_URL KEYS", MediaPartReader.imageURLKeys),
        ("FILE KEYS", MediaPartReader.fileKeys),
        ("REASONING KEYS", RunRequest.reasoningKeys),
        ("TOOL KEYS", RunRequest.toolKeys),
        ("CACHE_CONTROL KEYS", CacheMark.keys),
        ("TOOL_CHOICE KEYS", RunRequest.toolChoiceKeys),
        ("RESPONSE_FORMAT KEYS", RunRequest.responseFormatKeys),
        ("MOCK_TOOL_CALLS KEYS", RunRequest.mockToolCallKeys),
        ("MOCK_ERROR KEYS", RunRequest.mockErrorKeys),
    ]
    for (title, accepted) in sections {
        expectDocumented(HeaderFile.keys(in: comment, section: title), accepted: accepted, title)
    }
}

private func expectDocumented(_ documented: Set<String>, accepted: Set<String>, _ section: String) {
    #expect(
        accepted.subtracting(documented).isEmpty, "accepted but not documented in \(section): \(accepted.subtracting(documented).sorted())")
    #expect(
        documented.subtracting(accepted).isEmpty, "documented in \(section) but not accepted: \(documented.subtracting(accepted).sorted())")
}

@Test func theHeaderReaderFindsWhatItIsAskedFor() {
    // A reader that finds nothing would let every check above pass on an empty list.
    let comment: [Substring] = [
        "/*", " * Intro.", " *", " * SOME KEYS (note)", " *   alpha: integer.", " *       continued: not a key.",
        " *   beta, betaAlias: string.", " *", " * OTHER KEYS", " *   gamma: x.", " */",
    ]
    #expect(HeaderFile.keys(in: comment, section: "SOME KEYS") == ["alpha", "beta", "betaAlias"])
    #expect(HeaderFile.keys(in: comment, section: "OTHER KEYS") == ["gamma"])
    #expect(HeaderFile.keys(in: comment, section: "MISSING KEYS").isEmpty)
    #expect(!header.lines.isEmpty && header.defines(prefix: "TRACIA_VERSION_").count >= 4)
}
