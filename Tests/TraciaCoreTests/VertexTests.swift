import Testing

@testable import TraciaCore

@Test func vertexHostsFollowTheLocation() {
    #expect(VertexEndpoint.root(location: "global") == "https://aiplatform.googleapis.com")
    #expect(VertexEndpoint.root(location: "us") == "https://aiplatform.us.rep.googleapis.com")
    #expect(VertexEndpoint.root(location: "eu") == "https://aiplatform.eu.rep.googleapis.com")
    #expect(VertexEndpoint.root(location: "us-central1") == "https://us-central1-aiplatform.googleapis.com")
}

@Test func vertexURLsOfGeminiAndClaude() throws {
    let gemini = try VertexEndpoint.url(
        base: nil, project: "p", location: "europe-west4", apiVersion: "v1beta1", model: "gemini-2.5-flash", stream: true)
    #expect(
        gemini
            == "https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    )
    let claude = try VertexEndpoint.url(
        base: nil, project: "p", location: "global", apiVersion: "v1beta1", model: "claude-sonnet-4-5@20250929", stream: false)
    #expect(
        claude
            == "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict"
    )
    let express = try VertexEndpoint.url(
        base: "http://127.0.0.1:9", project: nil, location: "us-central1", apiVersion: "v1", model: "gemini-2.5-pro", stream: false)
    #expect(express == "http://127.0.0.1:9/v1/publishers/google/models/gemini-2.5-pro:generateContent")
    #expect(throws: TraciaError.self) {
        try VertexEndpoint.url(base: nil, project: nil, location: "global", apiVersion: "v1", model: "claude-haiku-4-5", stream: true)
    }
    for bad in ["gemini/../x", "gemini 2", "gemini?alt=json", ""] {
        #expect(throws: TraciaError.self) {
            try VertexEndpoint.url(base: nil, project: "p", location: "global", apiVersion: "v1", model: bad, stream: true)
        }
    }
}

@Test func vertexReadsClaudeErrorsInsideGoogleEnvelopes() {
    let adapter = VertexAdapter()
    let wrapped =
        #"{"error":{"code":400,"message":"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages.1.content.0: Invalid `signature` in `thinking` block\"},\"request_id\":\"req_vrtx_1\"}","status":"INVALID_ARGUMENT"}}"#
    let e = adapter.error(status: 400, body: Array(wrapped.utf8))
    #expect(e.message == "HTTP 400: invalid_request_error: messages.1.content.0: Invalid `signature` in `thinking` block")
    let google = adapter.error(status: 429, body: Array(#"[{"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}}]"#.utf8))
    #expect(google.message == "HTTP 429: RESOURCE_EXHAUSTED: Quota")
    let raw = adapter.error(status: 529, body: Array(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.utf8))
    #expect(raw.message == "HTTP 529: overloaded_error: Overloaded")
    #expect(adapter.error(status: 502, body: Array("<html>bad gateway</html>".utf8)).message == "HTTP 502: <html>bad gateway</html>")
}

@Test func base64URLWithoutPadding() {
    #expect(Base64.urlEncoded([]) == "")
    #expect(Base64.urlEncoded(Array("f".utf8)) == "Zg")
    #expect(Base64.urlEncoded(Array("fo".utf8)) == "Zm8")
    #expect(Base64.urlEncoded(Array("foo".utf8)) == "Zm9v")
    #expect(Base64.urlEncoded([0xfb, 0xff, 0xfe]) == "-__-")
}

private func parsed(_ json: String) throws(TraciaError) -> GoogleCredentialsFile {
    try GoogleCredentialsFile.parse(Array(json.utf8), path: "/tmp/creds.json")
}

@Test func credentialsFilesAreReadByType() throws {
    let user = try parsed(
        #"{"type":"authorized_user","client_id":"id","client_secret":"sec","refresh_token":"rt","quota_project_id":"q"}"#)
    #expect(user.projectID == "q" && user.quotaProject == "q")
    #expect(user.secrets == ["sec", "rt"])
    let account = try parsed(
        #"{"type":"service_account","project_id":"p","private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n","client_email":"a@p.iam.gserviceaccount.com"}"#
    )
    guard case .serviceAccount(let a) = account else { return #expect(Bool(false)) }
    #expect(a.tokenURI == "https://oauth2.googleapis.com/token")
    #expect(account.projectID == "p")
    #expect(account.secrets.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
}

@Test func credentialsFileProblemsNameTheFileNotItsValues() {
    let cases: [(String, String)] = [
        (#"{"type":"external_account","audience":"x"}"#, "only service_account and authorized_user"),
        (#"{"client_email":"a"}"#, "has no 'type'"),
        (#"{"type":"service_account","private_key":"secret-not-pem","client_email":"a"}"#, "is not a PEM private key"),
        (#"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----"}"#, "'client_email' is required"),
        (#"{"type":"authorized_user","client_id":"i","client_secret":"s"}"#, "'refresh_token' is required"),
        (#"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY----- zzsecretzz"#, "is not a JSON object"),
    ]
    for (json, expected) in cases {
        do {
            _ = try parsed(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains("/tmp/creds.json"))
            #expect(!error.message.contains("secret"))
        }
    }
}

@Test func signingWithAKeyThatIsNotOneFailsWithoutQuotingIt() {
    let pem = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n"
    do {
        _ = try GoogleJWT.sign(Array("x".utf8), pem: pem, path: "/k.json")
        Issue.record("signed")
    } catch {
        #expect(error.message.contains("cannot be read") && error.message.contains("/k.json"))
        #expect(!error.message.contains("bm90"))
    }
}

@Test func tokenEndpointReplies() throws {
    let ok = GoogleTokenExchange.token(status: 200, body: Array(#"{"access_token":"ya29.a","expires_in":"3599"}"#.utf8), path: "/f")
    #expect(try ok.get() == GoogleTokenExchange.Token(accessToken: "ya29.a", expiresInSeconds: 3599))
    let noLifetime = GoogleTokenExchange.token(status: 200, body: Array(#"{"access_token":"ya29.b"}"#.utf8), path: "/f")
    #expect(try noLifetime.get().expiresInSeconds == nil)
    let refused = GoogleTokenExchange.token(
        status: 400, body: Array(#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#.utf8), path: "/f")
    guard case .failure(let e) = refused else { return #expect(Bool(false)) }
    #expect(e.code == .unauthorized)
    #expect(e.message.contains("/f") && e.message.contains("invalid_grant: Invalid JWT Signature."))
    guard case .failure(let down) = GoogleTokenExchange.token(status: 503, body: [], path: "/f") else { return #expect(Bool(false)) }
    #expect(down.code == .providerError)
    guard case .failure(let empty) = GoogleTokenExchange.token(status: 200, body: Array("{}".utf8), path: "/f") else {
        return #expect(Bool(false))
    }
    #expect(empty.message.contains("no access_token"))
}

@Test func tokenRequestForms() throws {
    let user = GoogleCredentialsFile.authorizedUser(.init(clientID: "id", clientSecret: "s/+", refreshToken: "1//r", quotaProjectID: nil))
    let (url, body) = try GoogleTokenExchange.request(for: user, path: "/f", nowSeconds: 0)
    #expect(url == "https://oauth2.googleapis.com/token")
    #expect(String(decoding: body, as: UTF8.self) == "grant_type=refresh_token&client_id=id&client_secret=s%2F%2B&refresh_token=1%2F%2Fr")
}

@Test func vertexSettingsFromTheEnvironmentAndRouting() throws {
    let env: [String: String] = [
        "GCLOUD_PROJECT": "second", "GOOGLE_CLOUD_PROJECT": "first", "CLOUD_ML_REGION": "us-east5", "GOOGLE_GENAI_USE_VERTEXAI": "True",
        "HOME": "/nonexistent",
    ]
    let options = try ClientOptions.resolve(json: #"{"spans_file":"/dev/null","vertex_access_token":"tok-1234"}"#, environment: { env[$0] })
    let s = try #require(options.providerSettings[.vertex] as? VertexSettings)
    #expect(s.project == "first" && s.location == "us-east5" && s.servesGemini)
    #expect(options.secrets.contains("tok-1234"))
    let client = try TraciaClient(options: options)
    defer { client.close() }
    let request = try RunRequest.parse(json: #"{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"x"}]}"#)
    #expect(try client.resolve(request).provider == .vertex)
}
