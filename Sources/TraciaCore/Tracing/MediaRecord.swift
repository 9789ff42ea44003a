/// How a span records an image or a document: what it was and how big, never its bytes.
enum MediaRecord {
    static func json(_ m: MediaPart, camelCase: Bool) -> JSON {
        var o: JSONObject = ["type": .string(m.kind.rawValue)]
        o[camelCase ? "mediaType" : "media_type"] = m.mediaType.map(JSON.string)
        switch m.source {
        case .base64: o[camelCase ? "sizeBytes" : "size_bytes"] = JSON(m.byteCount ?? 0)
        case .url(let url): o["url"] = .string(withoutCredentials(url))
        case .fileID(let id): o[camelCase ? "fileId" : "file_id"] = .string(id)
        }
        o["filename"] = m.filename.map(JSON.string)
        o["detail"] = m.detail.map { .string($0.rawValue) }
        return .object(o)
    }

    /// The URL without its query, fragment and user info: signed URLs (S3, GCS, Azure SAS)
    /// carry their credentials there.
    static func withoutCredentials(_ url: String) -> String {
        var rest = Substring(url)
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        guard let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") else { return String(rest) }
        let schemeEnd = rest.index(colon, offsetBy: 3)
        let authorityEnd = rest[schemeEnd...].firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[schemeEnd..<authorityEnd].lastIndex(of: "@") else { return String(rest) }
        return String(rest[..<schemeEnd] + rest[rest.index(after: at)...])
    }
}
