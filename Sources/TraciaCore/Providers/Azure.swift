/// Azure OpenAI's own settings: the API version and an Entra ID token (the endpoint is the
/// provider's base URL, the key its API key).
struct AzureSettings: ProviderSettings {
    static let optionKeys = ["azure_endpoint", "azure_api_version", "azure_ad_token"]
    static let defaults = AzureSettings()

    /// Nil or "v1": the v1 API (`/openai/v1/...`, no api-version); else the dated version of
    /// the deployment API (`/openai/deployments/{model}/...?api-version=`).
    var apiVersion: String?
    /// Sent as `Authorization: Bearer`, in preference to the key (as the SDK does).
    var adToken: String?
    /// `azure_endpoint`, the base URL under its Azure name.
    var endpoint: String?

    static func read(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) -> AzureSettings {
        func env(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }
        var s = AzureSettings(apiVersion: env("OPENAI_API_VERSION"), adToken: env("AZURE_OPENAI_AD_TOKEN"))
        guard let options else { return s }
        if let v = try options.string("azure_api_version", nonEmpty: true) { s.apiVersion = v }
        if let v = try options.headerValue("azure_ad_token") {
            if options.value("azure_api_key") != nil {
                throw .invalid("options: give azure_api_key or azure_ad_token, not both")
            }
            s.adToken = v
        }
        if let v = try options.string("azure_endpoint", nonEmpty: true) {
            if options.value("azure_base_url") != nil { throw .invalid("options: give azure_endpoint or azure_base_url, not both") }
            s.endpoint = v
        }
        return s
    }

    func validate() throws(TraciaError) {
        if let v = apiVersion, v.isEmpty || !v.utf8.allSatisfy(AzureAdapter.isNameByte) {
            throw .invalid("azure_api_version (or OPENAI_API_VERSION) must be like 2024-10-21 or v1, got '\(v.prefix(64))'")
        }
        if let t = adToken { try ObjectReader.checkHeaderValue(t, name: "the Azure AD token") }
    }

    var secrets: [String] { [adToken].compactMap { $0 } }
    var signsRequests: Bool { adToken != nil }
    var baseURL: String? { endpoint }
}

/// Azure OpenAI: the OpenAI adapters' bodies and decoders at Azure's paths, with Azure's
/// credentials and error bodies.
struct AzureAdapter: ProviderAdapter {
    let api: OpenAIAPI

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let settings = call.settings(AzureSettings.self)
        let r = call.request
        var headers = ["Content-Type: application/json", "Accept: " + (r.stream ? "text/event-stream" : "application/json")]
        // A key given for this call is the caller's choice for it; otherwise the token wins.
        if let key = r.providerAPIKey {
            headers.append("api-key: \(key)")
        } else if let token = settings.adToken {
            headers.append("Authorization: Bearer \(token)")
        } else if let key = call.apiKey {
            headers.append("api-key: \(key)")
        } else {
            throw TraciaError(
                .missingProviderAPIKey,
                "no credential for azure: set AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN (options azure_api_key, azure_ad_token) or pass provider_api_key"
            )
        }
        let body: JSONObject
        switch api {
        case .chat: body = try OpenAIAdapter.body(for: r, officialHost: true, media: .openAI)
        case .responses: body = try OpenAIResponses.body(for: r, provider: .azure, media: .openAI)
        }
        return HTTPRequest(url: try url(for: call, version: settings.apiVersion), headers: headers, body: body.serializedBytes())
    }

    /// The v1 API without a version (the model is the deployment, in the body); else the
    /// deployment's path for Chat Completions, the resource's for Responses, with api-version.
    private func url(for call: ResolvedCall, version: String?) throws(TraciaError) -> String {
        var endpoint = call.baseURL ?? ""
        for suffix in ["/openai/v1", "/openai"] where endpoint.hasSuffix(suffix) {
            endpoint = String(endpoint.dropLast(suffix.utf8.count))
        }
        let path = api == .chat ? "chat/completions" : "responses"
        guard let version, version != "v1" else { return endpoint + "/openai/v1/" + path }
        guard api == .chat else { return endpoint + "/openai/responses?api-version=" + version }
        let deployment = call.request.model
        guard deployment.utf8.allSatisfy(Self.isNameByte) else {
            throw TraciaError(
                .invalidRequest, "model: an Azure deployment name holds letters, digits, '-', '_' and '.', got '\(deployment.prefix(64))'")
        }
        return endpoint + "/openai/deployments/" + deployment + "/chat/completions?api-version=" + version
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        switch api {
        case .chat: OpenAIAdapter().decoder(for: call)
        case .responses: OpenAIResponses.decoder(for: call)
        }
    }

    /// `{"error":{"code","message","innererror":{"content_filter_result":{…}}}}`: the code
    /// (`DeploymentNotFound`, `content_filter`, `401`) before the message, and the categories a
    /// content filter blocked.
    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), let error = doc.root["error"], error.isObject else {
            return httpError(status: status, message: OpenAIAdapter.errorMessage(body) ?? bodyText(body))
        }
        let code = error["code"]?.string ?? error["code"]?.int.map { String($0) }
        var message = (code.map { "\($0): " } ?? "") + (error["message"]?.string ?? "no message")
        let results = error["innererror"]?["content_filter_result"] ?? error["content_filter_result"]
        if let results, results.isObject {
            let blocked = Self.filtered(results)
            if !blocked.isEmpty { message += " (filtered: " + blocked.joined(separator: ", ") + ")" }
        }
        return httpError(status: status, message: message)
    }

    /// "violence (medium)", "jailbreak" — each category marked `filtered`.
    private static func filtered(_ results: JSONRef) -> [String] {
        var names: [String] = []
        for (key, category) in results.entries.sorted(by: { $0.0 < $1.0 }) {
            guard category["filtered"]?.bool == true else { continue }
            names.append(key + (category["severity"]?.string.map { " (\($0))" } ?? ""))
        }
        return names
    }
}
