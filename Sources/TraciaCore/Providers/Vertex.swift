import Glibc

/// Vertex AI's client settings: the project and location calls go to, and how they are
/// authenticated — an access token given as it is, or a Google credentials file (service
/// account or authorized user) whose tokens are fetched and refreshed. Environment first
/// (the google-genai and anthropic[vertex] SDKs' variables), then the options.
struct VertexSettings: ProviderSettings {
    static let optionKeys = [
        "vertex_project", "vertex_location", "vertex_access_token", "vertex_api_version", "vertex_anthropic_version",
        "google_application_credentials", "google_token_uri", "google_use_vertexai",
    ]
    static let defaults = VertexSettings()

    var project: String?
    /// As google-genai: `global` when nothing says otherwise.
    var location = "global"
    /// Of Gemini calls. google-genai's default: the body is the Gemini API's, which the SDK
    /// sends to v1beta1 (preview fields such as `responseJsonSchema` are documented there first).
    /// Claude calls use v1, as Anthropic documents them.
    var apiVersion = "v1beta1"
    /// Claude on Vertex carries the API version in its body (§4.3; anthropic 2.15.0 sends its own).
    var anthropicVersion = "vertex-2023-10-16"
    var accessToken: String?
    /// The credentials file, its path, or why it cannot be used (reported by Vertex calls only,
    /// so that a stray GOOGLE_APPLICATION_CREDENTIALS cannot break other providers' clients).
    var credentialsPath: String?
    var credentials: GoogleCredentialsFile?
    var credentialsProblem: TraciaError?
    /// Replaces the token endpoint of the file (its `token_uri`, or Google's for authorized users).
    var tokenURI: String?
    /// Gemini models without `provider` go to Vertex AI (GOOGLE_GENAI_USE_VERTEXAI).
    var servesGemini = false

    static func read(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) -> VertexSettings {
        func nonEmpty(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }
        var s = VertexSettings()
        s.project = nonEmpty("GOOGLE_CLOUD_PROJECT") ?? nonEmpty("GCLOUD_PROJECT") ?? nonEmpty("ANTHROPIC_VERTEX_PROJECT_ID")
        s.location = nonEmpty("GOOGLE_CLOUD_LOCATION") ?? nonEmpty("CLOUD_ML_REGION") ?? s.location
        s.servesGemini = ["true", "1"].contains(nonEmpty("GOOGLE_GENAI_USE_VERTEXAI")?.lowercased() ?? "")
        var path = nonEmpty("GOOGLE_APPLICATION_CREDENTIALS")
        var explicitPath = false
        if let r = options {
            s.project = try r.headerValue("vertex_project") ?? s.project
            s.location = try r.headerValue("vertex_location") ?? s.location
            s.accessToken = try r.headerValue("vertex_access_token")
            s.apiVersion = try r.headerValue("vertex_api_version") ?? s.apiVersion
            s.anthropicVersion = try r.headerValue("vertex_anthropic_version") ?? s.anthropicVersion
            s.servesGemini = try r.bool("google_use_vertexai") ?? s.servesGemini
            if let uri = try r.string("google_token_uri", nonEmpty: true) {
                s.tokenURI = try RunRequest.validated(url: uri, from: "'google_token_uri' in options")
            }
            if let p = try r.string("google_application_credentials", nonEmpty: true) {
                path = p
                explicitPath = true
            }
        }
        // A token given as it is needs no file; the well-known gcloud file is only looked for without both.
        if s.accessToken == nil && path == nil { path = wellKnownFile(environment) }
        if s.accessToken == nil, let path {
            s.credentialsPath = path
            do throws(TraciaError) {
                s.credentials = try GoogleCredentialsFile.load(path: path)
            } catch {
                if explicitPath { throw error }
                s.credentialsProblem = error
            }
        }
        if s.project == nil { s.project = s.credentials?.projectID }
        return s
    }

    /// gcloud's application default credentials, when the file exists.
    static func wellKnownFile(_ environment: (String) -> String?) -> String? {
        let dir = environment("CLOUDSDK_CONFIG").flatMap { $0.isEmpty ? nil : $0 } ?? environment("HOME").map { $0 + "/.config/gcloud" }
        guard let dir else { return nil }
        let path = dir + "/application_default_credentials.json"
        return access(path, F_OK) == 0 ? path : nil
    }

    func validate() throws(TraciaError) {
        for (name, value) in [("the Vertex AI project", project), ("the Vertex AI access token", accessToken)] {
            if let value { try ObjectReader.checkHeaderValue(value, name: name) }
        }
        // They become parts of a host name or a path.
        if let project, !Self.isName(project, extra: ".:") {
            throw .invalid("the Vertex AI project must be letters, digits, '-', '.' and ':' (as in my-project or example.com:my-project)")
        }
        if !Self.isName(location, extra: "") || location.utf8.contains(where: { 65...90 ~= $0 }) {
            throw .invalid("the Vertex AI location must be lowercase letters, digits and '-' (as in us-central1 or global)")
        }
        if !Self.isName(apiVersion, extra: "") { throw .invalid("vertex_api_version must be letters and digits (as in v1 or v1beta1)") }
    }

    private static func isName(_ s: String, extra: String) -> Bool {
        !s.isEmpty
            && s.utf8.allSatisfy { c in
                (97...122 ~= c) || (65...90 ~= c) || (48...57 ~= c) || c == 45 || extra.utf8.contains(c)
            }
    }

    var secrets: [String] { [accessToken].compactMap { $0 } + (credentials?.secrets ?? []) }

    /// A problem with the credentials file is also "authenticated": the call then fails with it.
    var signsRequests: Bool { accessToken != nil || credentials != nil || credentialsProblem != nil }

    /// The project a user's calls are billed to (`x-goog-user-project`).
    var quotaProject: String? { credentials?.quotaProject }
}

/// Where a Vertex AI call goes (provider-wire-formats-2.md §4.1, §4.3).
enum VertexEndpoint {
    enum Publisher: String {
        case google
        case anthropic

        /// Claude models are Anthropic's; every other model name is Google's.
        init(model: String) { self = model.hasPrefix("claude-") ? .anthropic : .google }
    }

    /// The service's root for a location: regional hosts, the global one, the US and EU
    /// multi-region endpoints.
    static func root(location: String) -> String {
        switch location {
        case "global": "https://aiplatform.googleapis.com"
        case "us", "eu": "https://aiplatform.\(location).rep.googleapis.com"
        default: "https://\(location)-aiplatform.googleapis.com"
        }
    }

    /// The URL of one call. `project` nil: express mode (an API key, Gemini only).
    static func url(
        base: String?, project: String?, location: String, apiVersion: String, model: String, stream: Bool
    ) throws(TraciaError) -> String {
        let publisher = Publisher(model: model)
        guard !model.isEmpty, model.utf8.allSatisfy({ c in (97...122 ~= c) || (65...90 ~= c) || (48...57 ~= c) || "-._@".utf8.contains(c) })
        else {
            throw .invalid("'\(model)' is not a Vertex AI model id (letters, digits, '-', '.', '_' and '@', as in gemini-2.5-flash)")
        }
        let method: String
        switch publisher {
        case .google: method = stream ? "streamGenerateContent?alt=sse" : "generateContent"
        case .anthropic: method = stream ? "streamRawPredict" : "rawPredict"
        }
        let version = publisher == .anthropic ? "v1" : apiVersion
        let tail = "publishers/\(publisher.rawValue)/models/\(model):\(method)"
        guard let project else {
            guard publisher == .google else {
                throw .invalid("Claude on Vertex AI needs a Google Cloud project (vertex_project or GOOGLE_CLOUD_PROJECT), not an API key")
            }
            return "\(base ?? root(location: "global"))/\(version)/\(tail)"
        }
        return "\(base ?? root(location: location))/\(version)/projects/\(project)/locations/\(location)/\(tail)"
    }
}

/// Google Vertex AI: Gemini models in the Gemini API's format, Claude models in Anthropic's
/// Messages format (the body without `model`, with `anthropic_version`), both in Google's
/// error envelope.
struct VertexAdapter: ProviderAdapter {
    private let gemini = GeminiAdapter()
    private let anthropic = AnthropicAdapter()

    /// The call's URL, or why it cannot be made.
    private func url(for call: ResolvedCall) throws(TraciaError) -> String {
        let s = call.settings(VertexSettings.self)
        if let problem = s.credentialsProblem, s.accessToken == nil, call.apiKey == nil { throw problem }
        // An API key is express mode: no project, as google-genai does with one.
        let project = call.apiKey == nil ? s.project : nil
        if call.apiKey == nil && project == nil {
            throw .invalid(
                "vertex needs a Google Cloud project: set vertex_project, GOOGLE_CLOUD_PROJECT or GCLOUD_PROJECT, or use a service-account file with a project_id"
            )
        }
        return try VertexEndpoint.url(
            base: call.baseURL, project: project, location: s.location, apiVersion: s.apiVersion, model: call.request.model,
            stream: call.request.stream)
    }

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let s = call.settings(VertexSettings.self)
        let r = call.request
        let url = try url(for: call)
        var headers = ["Content-Type: application/json"]
        if let key = call.apiKey {
            headers.append("x-goog-api-key: \(key)")
        } else if case .bearer(let token)? = call.credential?.value {
            headers.append("Authorization: Bearer \(token)")
        } else if let token = s.accessToken {
            headers.append("Authorization: Bearer \(token)")
        }
        if call.apiKey == nil, let quota = s.quotaProject { headers.append("x-goog-user-project: \(quota)") }
        let body: JSONObject
        switch VertexEndpoint.Publisher(model: r.model) {
        case .google:
            body = try GeminiAdapter.body(for: r, replaying: .vertex)
        case .anthropic:
            headers.append("Accept: " + (r.stream ? "text/event-stream" : "application/json"))
            // Temperature and top_p together are refused from Anthropic's 2026-10-21 on.
            let sampling = s.anthropicVersion.hasPrefix("vertex-") || s.anthropicVersion < "2026-10-21"
            var messages = try AnthropicAdapter.body(for: r, samplingAllowed: sampling, media: .claudeOnVertex, replaying: .vertex)
            messages["model"] = nil
            messages["anthropic_version"] = .string(s.anthropicVersion)
            body = messages
        }
        return HTTPRequest(url: url, headers: headers, body: body.serializedBytes())
    }

    /// A credentials file's tokens; none for an API key or a token given as it is. None either
    /// for a call that cannot be made: its request is then refused before any I/O.
    func credentialSource(for call: ResolvedCall) -> (any CredentialSource)? {
        let s = call.settings(VertexSettings.self)
        guard call.apiKey == nil, s.accessToken == nil, let file = s.credentials, let path = s.credentialsPath,
            (try? url(for: call)) != nil
        else { return nil }
        return GoogleTokenSource(file: file, path: path, tokenURI: s.tokenURI, timeoutMS: min(call.timeoutMS, 60_000))
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        switch VertexEndpoint.Publisher(model: call.request.model) {
        case .google: gemini.decoder(for: call)
        case .anthropic: anthropic.decoder(for: call)
        }
    }

    /// Google's envelope, whose message may be Anthropic's error JSON as a string (§4.3); or
    /// Anthropic's own error body.
    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else {
            return httpError(status: status, message: bodyText(body))
        }
        if doc.root["type"]?.string == "error" { return anthropic.error(status: status, body: body) }
        if let message = GeminiAdapter.errorObject(doc.root)?["message"]?.string, message.hasPrefix("{") {
            let inner = Array(message.utf8)
            if let claude = inner.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), claude.root["error"] != nil {
                return anthropic.error(status: status, body: inner)
            }
        }
        return gemini.error(status: status, body: body)
    }

    func retryAfterMS(status: Int, body: [UInt8]) -> Int64? { gemini.retryAfterMS(status: status, body: body) }
}
