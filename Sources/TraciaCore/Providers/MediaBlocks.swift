/// Each provider's wire shape of an image or a document, for parts `MediaSupport` let through.

/// Chat Completions content parts: `image_url`, and `file` for documents.
enum OpenAIMedia {
    static func part(_ m: MediaPart) -> JSON {
        if m.kind == .image {
            var image: JSONObject = ["url": .string(m.dataURL ?? m.url ?? "")]
            image["detail"] = m.detail.map { .string($0.rawValue) }
            return ["type": "image_url", "image_url": .object(image)]
        }
        var file = JSONObject()
        if case .fileID(let id) = m.source {
            file["file_id"] = .string(id)
            file["filename"] = m.filename.map(JSON.string)
        } else {
            file["filename"] = .string(m.filename ?? (m.mediaType == "application/pdf" ? "document.pdf" : "document"))
            file["file_data"] = .string(m.dataURL ?? "")
        }
        return ["type": "file", "file": .object(file)]
    }
}

/// Messages API `image` and `document` blocks; a plain-text document goes as text.
enum AnthropicMedia {
    static func block(_ m: MediaPart) -> JSON {
        var source: JSONObject
        switch m.source {
        case .url(let url):
            source = ["type": "url", "url": .string(url)]
        case .base64(let data) where m.mediaType == "text/plain":
            // Checked to be UTF-8 by MediaSupport.anthropic.
            source = ["type": "text", "media_type": "text/plain", "data": .string(String(decoding: Base64.decode(data), as: UTF8.self))]
        case .base64(let data):
            source = ["type": "base64", "media_type": .string(m.mediaType ?? ""), "data": .string(data)]
        case .fileID:
            source = [:]  // refused by MediaSupport.anthropic
        }
        var block: JSONObject = ["type": .string(m.kind.rawValue), "source": .object(source)]
        if m.kind == .document { block["title"] = m.filename.map(JSON.string) }
        return .object(block)
    }
}

/// Gemini parts: `inlineData`, or `fileData` for a URI.
enum GeminiMedia {
    static func part(_ m: MediaPart) -> JSON {
        if let data = m.base64 { return ["inlineData": ["mimeType": .string(m.mediaType ?? ""), "data": .string(data)]] }
        var file = JSONObject()
        file["mimeType"] = m.mediaType.map(JSON.string)
        file["fileUri"] = .string(m.url ?? "")
        return ["fileData": .object(file)]
    }
}

/// Converse `image` and `document` blocks: a format from the media type, bytes or an S3 location.
enum BedrockMedia {
    static let imageFormats = ["image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"]
    static let documentFormats = [
        "application/pdf": "pdf", "text/csv": "csv", "application/msword": "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx", "application/vnd.ms-excel": "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx", "text/html": "html", "text/plain": "txt",
        "text/markdown": "md",
    ]

    static func block(_ m: MediaPart, names: inout DocumentNames) -> JSON {
        let source: JSON = m.base64.map { ["bytes": .string($0)] } ?? ["s3Location": ["uri": .string(m.url ?? "")]]
        let type = m.mediaType ?? ""
        if m.kind == .image { return ["image": ["format": .string(imageFormats[type] ?? ""), "source": source]] }
        return [
            "document": ["format": .string(documentFormats[type] ?? ""), "name": .string(names.name(for: m.filename)), "source": source]
        ]
    }

    /// Document names, unique in a request as Converse requires, of the characters it allows
    /// (letters, digits, single spaces, `-`, `()`, `[]`): the file name without its extension,
    /// or "document".
    struct DocumentNames {
        private var taken: Set<String> = []

        mutating func name(for filename: String?) -> String {
            let base = filename.map(Self.allowed) ?? ""
            let stem = base.isEmpty ? "document" : base
            var name = stem
            var n = 1
            while taken.contains(name.lowercased()) {
                n += 1
                name = "\(stem)-\(n)"
            }
            taken.insert(name.lowercased())
            return name
        }

        private static func allowed(_ filename: String) -> String {
            var stem = Substring(filename)
            if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
            var out = ""
            for c in stem.unicodeScalars {
                let kept = c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-()[]".unicodeScalars.contains(c))
                if kept {
                    out.unicodeScalars.append(c)
                } else if !out.isEmpty && out.last != " " {
                    out.append(" ")
                }
            }
            var name = String(out.prefix(190))
            while name.last == " " { name.removeLast() }
            return name
        }
    }
}
