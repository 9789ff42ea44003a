/// A code's name, as every Tracia SDK and `tracia_strerror()` spell it, and what it means.
/// Static text, so the C boundary hands out the very bytes without copying them.
public struct CodeEntry: Sendable {
    public let name: StaticString
    public let meaning: StaticString

    init(_ name: StaticString, _ meaning: StaticString) {
        self.name = name
        self.meaning = meaning
    }
}

/// The error codes of the Tracia SDKs, plus `misuse` for broken calls at the C boundary.
/// This is the one table of codes: the C names come from it, and include/tracia.h (values and
/// meanings) and the Python binding are tested against it.
/// Raw values are the C ABI's codes: append-only, never renumbered.
public enum ErrorCode: Int32, Sendable, CaseIterable {
    case unknown = -1
    case invalidRequest = -2
    case missingProviderAPIKey = -3
    case unsupportedModel = -4
    case providerError = -5
    case networkError = -6
    case timeout = -7
    case aborted = -8
    case unauthorized = -9
    case notFound = -10
    case conflict = -11
    case missingVariables = -12
    case missingProviderSDK = -13
    case misuse = -14

    public var entry: CodeEntry {
        switch self {
        case .unknown:
            CodeEntry(
                "UNKNOWN",
                "A failure of no other kind: the system refused a resource (a thread, a descriptor, a file, a libcurl handle) or a span destination answered an unexpected status."
            )
        case .invalidRequest:
            CodeEntry(
                "INVALID_REQUEST",
                "The options or the request were rejected before any I/O: invalid JSON or UTF-8, an unknown key, a wrong type, a value out of range, a missing required value."
            )
        case .missingProviderAPIKey:
            CodeEntry(
                "MISSING_PROVIDER_API_KEY",
                "The provider needs an API key and none was given: no option, no environment variable, no provider_api_key.")
        case .unsupportedModel:
            CodeEntry(
                "UNSUPPORTED_MODEL",
                "The provider cannot be told from the model name (pass provider), or it is not available in this version.")
        case .providerError:
            CodeEntry(
                "PROVIDER_ERROR",
                "The provider answered with an error: an HTTP status other than 401, 403, 404 and 408 (in status_code), an error event, a blocked prompt, or a body that is malformed or larger than max_response_bytes."
            )
        case .networkError:
            CodeEntry(
                "NETWORK_ERROR",
                "The connection failed: the host was not found, refused, failed TLS, or cut the response before its end; from tracia_flush(), spans failed or were dropped."
            )
        case .timeout:
            CodeEntry(
                "TIMEOUT",
                "A time bound passed: connect_timeout_ms, idle_timeout_ms, first_chunk_timeout_ms, the call's timeout_ms, an HTTP 408 from the provider, or tracia_flush()'s timeout_ms."
            )
        case .aborted:
            CodeEntry(
                "ABORTED",
                "The call was aborted. The C API reports a stream's abort as its end (0, and aborted in the result); an aborted tracia_request fails with this code, and mock_error may ask for it."
            )
        case .unauthorized:
            CodeEntry(
                "UNAUTHORIZED",
                "The credentials were refused: HTTP 401 or 403 from the provider, 401 from the Tracia span endpoint, or the Tracia API's error.code UNAUTHORIZED."
            )
        case .notFound:
            CodeEntry(
                "NOT_FOUND",
                "The provider answered HTTP 404 (mostly an unknown model or a wrong base URL), or the Tracia API's error.code was NOT_FOUND (no such prompt or span)."
            )
        case .conflict:
            CodeEntry(
                "CONFLICT", "The Tracia API's error.code was CONFLICT (a prompt with that slug exists), or mock_error asks.")
        case .missingVariables:
            CodeEntry(
                "MISSING_VARIABLES",
                "The Tracia API's error.code was MISSING_VARIABLES (a prompt run without a variable it needs), or mock_error asks; a local {{name}} without a value stays as it is."
            )
        case .missingProviderSDK:
            CodeEntry(
                "MISSING_PROVIDER_SDK",
                "A Tracia SDK code, kept for parity: every provider is built in, so this library returns it only when mock_error asks.")
        case .misuse:
            CodeEntry(
                "MISUSE",
                "A call broke the C contract in a defined way: a NULL handle, chunk, length or event pointer, or a stream read both as text and as events (see MISUSE above)."
            )
        }
    }

    public var name: String { entry.name.description }
}

/// The C ABI's named returns that are not failures.
public enum ABIStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case again = 2

    public var entry: CodeEntry {
        switch self {
        case .ok: CodeEntry("OK", "Success; from the stream's next and poll functions, the end of the stream.")
        case .again:
            CodeEntry("AGAIN", "From tracia_stream_poll() and tracia_stream_poll_event(): nothing is ready yet and the call has not ended.")
        }
    }
}

/// The one error type of the library.
public struct TraciaError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    /// The HTTP status of the response that caused the error, when there was one.
    public var statusCode: Int?

    public init(_ code: ErrorCode, _ message: String, statusCode: Int? = nil) {
        self.code = code
        self.message = message
        self.statusCode = statusCode
    }

    static func invalid(_ message: String) -> TraciaError { TraciaError(.invalidRequest, message) }

    /// A request without the key its provider needs; `hint` says where the key goes.
    static func missingKey(for provider: String, hint: String) -> TraciaError {
        TraciaError(.missingProviderAPIKey, "no API key for \(provider): set \(hint) or pass provider_api_key")
    }
}
