/// Reads the content parts that carry an image or a document, in either accepted shape:
///
///     {"type":"image","url":"https://…"}  {"type":"image","data":"<base64>","media_type":"image/png"}
///     {"type":"document","data":"<base64>","media_type":"application/pdf","filename":"a.pdf"}
///     {"type":"image_url","image_url":{"url":"https://…"|"data:image/png;base64,…","detail":"low"}}
///     {"type":"file","file":{"file_data":"data:application/pdf;base64,…","filename":"a.pdf"}|{"file_id":"file-…"}}
///
/// What a given provider takes of them is checked later, by `MediaSupport`.
enum MediaPartReader {
    static let imageKeys: Set<String> = ["url", "data", "media_type", "mediaType", "detail"]
    static let documentKeys: Set<String> = ["url", "data", "media_type", "mediaType", "filename"]
    static let imageURLPartKeys: Set<String> = ["image_url"]
    static let filePartKeys: Set<String> = ["file"]
    /// The keys of the objects inside OpenAI's parts.
    static let imageURLKeys: Set<String> = ["url", "detail"]
    static let fileKeys: Set<String> = ["file_data", "file_id", "filename"]

    /// `{"type":"image"|"document", …}`.
    static func neutral(_ kind: MediaPart.Kind, _ r: ObjectReader) throws(TraciaError) -> MediaPart {
        let context = r.context
        let url = try r.string("url", nonEmpty: true)
        let data = try r.string("data", nonEmpty: true)
        var given: String?
        if let m = try r.firstString(["media_type", "mediaType"]) { given = try mediaType(m, context: context) }
        var part: MediaPart
        switch (url, data) {
        case (let url?, nil):
            part = try fromURL(url, kind: kind, key: "url", context: context)
            if let given {
                if let carried = part.mediaType, carried != given {
                    throw .invalid("\(context): 'media_type' is \(given) but the data: URL holds \(carried)")
                }
                part.mediaType = given
            }
        case (nil, let data?):
            if data.hasPrefix("data:") {
                throw .invalid("\(context): 'data' is base64 without a data: prefix (give a data: URL as 'url')")
            }
            guard let given else { throw .invalid("\(context): 'media_type' is required with 'data'") }
            part = MediaPart(kind: kind, source: .base64(try base64(data, key: "data", context: context)), mediaType: given)
        default:
            throw .invalid("\(context): give either 'url' or 'data'")
        }
        part.filename = try r.string("filename", nonEmpty: true)
        part.detail = try detail(r)
        return try checked(part, context: context)
    }

    /// OpenAI's `{"type":"image_url","image_url":{…}}`; the URL may also be given as a string.
    static func imageURL(_ r: ObjectReader) throws(TraciaError) -> MediaPart {
        let context = r.context
        guard let value = r.value("image_url") else { throw .invalid("'image_url' is required in \(context)") }
        if let url = value.string { return try checked(fromURL(url, kind: .image, key: "image_url", context: context), context: context) }
        let inner = try ObjectReader(value, context: "\(context).image_url")
        try inner.rejectUnknown(allowed: imageURLKeys)
        var part = try fromURL(try inner.requiredString("url"), kind: .image, key: "url", context: inner.context)
        part.detail = try detail(inner)
        return try checked(part, context: context)
    }

    /// OpenAI's `{"type":"file","file":{…}}`: a document as a data: URL or a file id.
    static func file(_ r: ObjectReader) throws(TraciaError) -> MediaPart {
        let context = r.context
        guard let value = r.value("file") else { throw .invalid("'file' is required in \(context)") }
        let inner = try ObjectReader(value, context: "\(context).file")
        try inner.rejectUnknown(allowed: fileKeys)
        let fileData = try inner.string("file_data", nonEmpty: true)
        let fileID = try inner.string("file_id", nonEmpty: true)
        var part: MediaPart
        switch (fileData, fileID) {
        case (let fileData?, nil):
            guard fileData.hasPrefix("data:") else {
                throw .invalid("\(inner.context): 'file_data' must be a data: URL (data:application/pdf;base64,…)")
            }
            part = try fromURL(fileData, kind: .document, key: "file_data", context: inner.context)
        case (nil, let fileID?):
            part = MediaPart(kind: .document, source: .fileID(fileID))
        default:
            throw .invalid("\(inner.context): give either 'file_data' or 'file_id'")
        }
        part.filename = try inner.string("filename", nonEmpty: true)
        return try checked(part, context: context)
    }

    /// A data: URL becomes base64 data and its media type; any other URL stays a URL.
    private static func fromURL(_ url: String, kind: MediaPart.Kind, key: String, context: String) throws(TraciaError) -> MediaPart {
        if url.hasPrefix("data:") {
            let (type, data) = try dataURL(url, key: key, context: context)
            return MediaPart(kind: kind, source: .base64(data), mediaType: type)
        }
        let schemes = ["https://", "http://", "gs://", "s3://"]
        guard let scheme = schemes.first(where: url.hasPrefix), url.utf8.count > scheme.utf8.count,
            !url.utf8.contains(where: { $0 <= 32 || $0 == 127 })
        else {
            throw .invalid("\(context): '\(key)' must be an http(s)://, gs:// or s3:// URL without spaces, or a data: URL")
        }
        return MediaPart(kind: kind, source: .url(url))
    }

    /// `data:<type>/<subtype>[;param…];base64,<data>`.
    private static func dataURL(_ url: String, key: String, context: String) throws(TraciaError) -> (String, String) {
        let malformed = TraciaError.invalid("\(context): '\(key)' is not a base64 data: URL (data:<media type>;base64,<data>)")
        guard let comma = url.firstIndex(of: ",") else { throw malformed }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma].split(separator: ";", omittingEmptySubsequences: false)
        guard header.count >= 2, header.last == "base64", let type = header.first, !type.isEmpty else { throw malformed }
        let media = try mediaType(String(type), context: context)
        return (media, try base64(String(url[url.index(after: comma)...]), key: key, context: context))
    }

    private static func base64(_ data: String, key: String, context: String) throws(TraciaError) -> String {
        guard Base64.isValid(data) else {
            throw .invalid("\(context): '\(key)' is not base64 (the standard alphabet, padded with '=', no line breaks)")
        }
        return data
    }

    /// A media type as `type/subtype`, lowercased; `image/jpg` is taken as `image/jpeg`.
    static func mediaType(_ text: String, context: String) throws(TraciaError) -> String {
        let lower = text.lowercased()
        let parts = lower.split(separator: "/", omittingEmptySubsequences: false)
        let token = { (s: Substring) in
            !s.isEmpty && s.utf8.allSatisfy { c in (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || "!#$&^_.+-".utf8.contains(c) }
        }
        guard parts.count == 2, token(parts[0]), token(parts[1]) else {
            throw .invalid("\(context): '\(text.prefix(100))' is not a media type (type/subtype, as image/png)")
        }
        return lower == "image/jpg" ? "image/jpeg" : lower
    }

    private static func detail(_ r: ObjectReader) throws(TraciaError) -> MediaPart.Detail? {
        guard let name = try r.string("detail") else { return nil }
        guard let detail = MediaPart.Detail(rawValue: name) else {
            throw .invalid("\(r.context): unknown detail '\(name)' (expected auto, low or high)")
        }
        return detail
    }

    /// An image is an image/* type; anything else is a document.
    private static func checked(_ part: MediaPart, context: String) throws(TraciaError) -> MediaPart {
        guard let type = part.mediaType else { return part }
        let isImage = type.hasPrefix("image/")
        if part.kind == .image && !isImage { throw .invalid("\(context): an image needs an image/* media type, got \(type)") }
        if part.kind == .document && isImage { throw .invalid("\(context): \(type) is an image: give it as an image part") }
        return part
    }
}
