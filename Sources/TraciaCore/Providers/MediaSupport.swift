/// What one provider's API takes of images and documents: the sources, the media types, and the
/// limits its documentation states firmly. A request outside them is refused before anything is
/// sent, with what the provider would not take and what it takes instead.
struct MediaSupport: Sendable {
    /// How a part's bytes reach the provider.
    enum SourceKind: String, Sendable {
        case base64 = "base64 data"
        case http = "an http(s):// URL"
        case gcs = "a gs:// URL"
        case s3 = "an s3:// URL"
        case fileID = "a file_id"

        init(_ source: MediaPart.Source) {
            switch source {
            case .base64: self = .base64
            case .fileID: self = .fileID
            case .url(let url):
                self = url.hasPrefix("gs://") ? .gcs : url.hasPrefix("s3://") ? .s3 : .http
            }
        }
    }

    struct Rules: Sendable {
        var sources: [SourceKind]
        /// Nil: any media type.
        var mediaTypes: [String]?
        /// The media types taken from a URL, where fewer than inline (nil: as inline).
        var urlMediaTypes: [String]? = nil
        /// The largest part, in decoded bytes or in base64 characters.
        var maxBytes: Int? = nil
        var maxBase64Length: Int? = nil
        var maxCount: Int? = nil
        /// The most decoded bytes of all parts of the kind together.
        var maxTotalBytes: Int? = nil
        /// Whether a part must name its media type, even from a URL.
        var needsMediaType = false
        /// Media types whose data the provider takes as text: it must decode to UTF-8.
        var textMediaTypes: [String] = []
    }

    /// The API as messages name it.
    let name: String
    let image: Rules
    let document: Rules

    func rules(_ kind: MediaPart.Kind) -> Rules { kind == .image ? image : document }

    /// Throws for the first part the provider cannot take.
    func check(_ messages: [Message]) throws(TraciaError) {
        var counts: [MediaPart.Kind: (parts: Int, bytes: Int)] = [:]
        for (i, message) in messages.enumerated() {
            for (j, part) in message.parts.enumerated() {
                guard case .media(let media) = part else { continue }
                let context = "messages[\(i)].content[\(j)]"
                try check(media, context: context)
                var count = counts[media.kind] ?? (0, 0)
                count.parts += 1
                count.bytes += media.byteCount ?? 0
                counts[media.kind] = count
                let rules = rules(media.kind)
                if let max = rules.maxCount, count.parts > max {
                    throw .invalid("\(context): \(name) takes at most \(max) \(media.kind.rawValue)s in a request")
                }
                if let max = rules.maxTotalBytes, count.bytes > max {
                    throw .invalid("\(context): \(name) takes at most \(Self.megabytes(max)) of \(media.kind.rawValue)s in a request")
                }
            }
        }
    }

    private func check(_ media: MediaPart, context: String) throws(TraciaError) {
        let kind = media.kind.rawValue
        let rules = rules(media.kind)
        let source = SourceKind(media.source)
        guard rules.sources.contains(source) else {
            throw .invalid(
                "\(context): \(name) takes \(Self.article(kind)) \(kind) as \(Self.list(rules.sources.map(\.rawValue))), not as \(source.rawValue)"
            )
        }
        guard let type = media.mediaType else {
            if rules.needsMediaType { throw .invalid("\(context): \(name) needs the \(kind)'s media_type (its format)") }
            return
        }
        if let types = source == .base64 ? rules.mediaTypes : rules.urlMediaTypes ?? rules.mediaTypes, !types.contains(type) {
            let from = source == .base64 ? "" : " from a URL"
            throw .invalid("\(context): \(name) takes no \(type) \(kind)\(from) (it takes \(Self.list(types)))")
        }
        if rules.textMediaTypes.contains(type), let data = media.base64, String(validating: Base64.decode(data), as: UTF8.self) == nil {
            throw .invalid("\(context): \(name) takes a \(type) \(kind) as text: its data must decode to UTF-8")
        }
        if let max = rules.maxBytes, let bytes = media.byteCount, bytes > max {
            throw .invalid(
                "\(context): the \(kind) is \(bytes) bytes; \(name) takes at most \(Self.megabytes(max)) \(Self.article(kind)) \(kind)")
        }
        if let max = rules.maxBase64Length, let data = media.base64, data.utf8.count > max {
            throw .invalid(
                "\(context): the \(kind) is \(data.utf8.count) bytes of base64; \(name) takes at most \(Self.megabytes(max)) of base64 \(Self.article(kind)) \(kind)"
            )
        }
    }

    private static func list(_ items: [String]) -> String {
        items.count > 1 ? items.dropLast().joined(separator: ", ") + " or " + items.last! : items.first ?? "nothing"
    }

    private static func article(_ word: String) -> String { word.hasPrefix("i") ? "an" : "a" }

    private static func megabytes(_ bytes: Int) -> String { "\(bytes / (1 << 20)) MiB" }
}

extension MediaSupport {
    private static let mib = 1 << 20

    /// OpenAI Chat: images by URL or inline (≤ 20 MB each, ≤ 500 and 50 MB a request), PDFs
    /// inline or by file id; a document URL is Responses-only.
    static let openAI = MediaSupport(
        name: "OpenAI Chat",
        image: Rules(
            sources: [.base64, .http], mediaTypes: ["image/png", "image/jpeg", "image/webp", "image/gif"], maxBytes: 20 * mib,
            maxCount: 500, maxTotalBytes: 50 * mib),
        document: Rules(sources: [.base64, .fileID], mediaTypes: ["application/pdf"]))

    /// Servers that speak Chat Completions: OpenAI's shapes, their own types and limits.
    static let openAICompatible = MediaSupport(
        name: "Chat Completions", image: Rules(sources: [.base64, .http], mediaTypes: nil),
        document: Rules(sources: [.base64], mediaTypes: nil))

    /// Anthropic Messages: 5 MB of base64 an image; documents are PDF (inline or by URL) or
    /// plain text (inline).
    static let anthropic = MediaSupport(
        name: "Anthropic",
        image: Rules(
            sources: [.base64, .http], mediaTypes: ["image/jpeg", "image/png", "image/gif", "image/webp"], maxBase64Length: 5 * mib),
        document: Rules(
            sources: [.base64, .http], mediaTypes: ["application/pdf", "text/plain"], urlMediaTypes: ["application/pdf"],
            textMediaTypes: ["text/plain"]))

    /// Claude on Vertex AI: Anthropic's types and limits, base64 sources only ("On Amazon Bedrock
    /// and Google Cloud, only base64-encoded sources are currently available").
    static let claudeOnVertex = MediaSupport(
        name: "Claude on Vertex AI",
        image: Rules(sources: [.base64], mediaTypes: anthropic.image.mediaTypes, maxBase64Length: anthropic.image.maxBase64Length),
        document: Rules(sources: [.base64], mediaTypes: anthropic.document.mediaTypes, textMediaTypes: anthropic.document.textMediaTypes))

    /// Gemini: inline data, or a file URI (Files API, public HTTPS, registered gs://). Its
    /// inline limits differ between its pages, so none is checked.
    static let gemini = MediaSupport(
        name: "Gemini",
        image: Rules(sources: [.base64, .http, .gcs], mediaTypes: ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"]),
        document: Rules(sources: [.base64, .http, .gcs], mediaTypes: ["application/pdf", "text/plain"]))

    /// Bedrock Converse: bytes or S3 only, a format from the media type, at most 5 documents. Its
    /// size limits differ between the API reference and the user guide, so none is checked.
    static let bedrock = MediaSupport(
        name: "Bedrock Converse",
        image: Rules(
            sources: [.base64, .s3], mediaTypes: Array(BedrockMedia.imageFormats.keys).sorted(), needsMediaType: true),
        document: Rules(
            sources: [.base64, .s3], mediaTypes: Array(BedrockMedia.documentFormats.keys).sorted(), maxCount: 5, needsMediaType: true))
}
