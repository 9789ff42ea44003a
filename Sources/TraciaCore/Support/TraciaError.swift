/// The error codes of the Tracia SDKs, plus `misuse` for broken calls at the C boundary.
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

    public var name: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .invalidRequest: "INVALID_REQUEST"
        case .missingProviderAPIKey: "MISSING_PROVIDER_API_KEY"
        case .unsupportedModel: "UNSUPPORTED_MODEL"
        case .providerError: "PROVIDER_ERROR"
        case .networkError: "NETWORK_ERROR"
        case .timeout: "TIMEOUT"
        case .aborted: "ABORTED"
        case .unauthorized: "UNAUTHORIZED"
        case .notFound: "NOT_FOUND"
        case .conflict: "CONFLICT"
        case .missingVariables: "MISSING_VARIABLES"
        case .missingProviderSDK: "MISSING_PROVIDER_SDK"
        case .misuse: "MISUSE"
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
}
