/// A call after resolution: the provider, its key and base URL, the limits that apply.
public struct ResolvedCall: Sendable {
    public let request: RunRequest
    public let provider: ProviderKind
    let apiKey: String?
    /// The caller's or the configured base URL, else the provider's default; nil when the
    /// provider has no fixed one.
    let baseURL: String?
    let timeoutMS: Int
    let idleTimeoutMS: Int
    /// Nil: content may take as long as the other bounds allow.
    let firstChunkTimeoutMS: Int?
    let connectTimeoutMS: Int
    let caFile: String?
    let maxRetries: Int
    let maxResponseBytes: Int
    /// The settings only the provider has (nil: none configured).
    let providerSettings: (any ProviderSettings)?
    /// Secrets to scrub from anything this call reports.
    let secrets: [String]
    /// The client's and the call's custom headers, added to the provider request.
    var headers: [CustomHeader] = []
    /// What the provider's credential source gave, for the adapter's request (nil: it has none).
    var credential: Credential?

    /// The failure of a call whose content did not come within firstChunkTimeoutMS.
    var noContentInTime: TraciaError {
        TraciaError(.timeout, "no content from the provider within \(firstChunkTimeoutMS ?? 0) ms (first_chunk_timeout_ms)")
    }

    /// The provider's settings as its own type; their defaults when none are configured.
    func settings<Settings: ProviderSettings>(_: Settings.Type) -> Settings {
        providerSettings as? Settings ?? .defaults
    }
}
