import Glibc

/// The AWS shared `credentials` and `config` files, parsed as botocore parses them (Python's
/// `configparser`): `[section]` headers, `key = value` or `key: value` with keys lower-cased and
/// both sides trimmed, full-line `#` and `;` comments, indented lines continuing a value, and
/// a duplicate section or key in one file refused. One addition, as the AWS docs' examples and
/// the newer SDKs have it: ` ;` or ` #` after a value starts a comment.
struct AWSINIFile: Equatable, Sendable {
    /// Sections in file order, each with its keys.
    var sections: [(name: String, values: [String: String])]

    static func == (a: AWSINIFile, b: AWSINIFile) -> Bool {
        a.sections.map(\.name) == b.sections.map(\.name) && a.sections.map(\.values) == b.sections.map(\.values)
    }

    /// `path` names the file in errors.
    static func parse(_ text: String, path: String) throws(TraciaError) -> AWSINIFile {
        var sections: [(name: String, values: [String: String])] = []
        var lastKey: String?
        var keyIndent = 0
        func fail(_ line: Int, _ what: String) -> TraciaError { .invalid("cannot read \(path) at line \(line): \(what)") }
        for (n, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .enumerated()
        {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            if let key = lastKey, indent > keyIndent, !sections.isEmpty {
                let old = sections[sections.count - 1].values[key] ?? ""
                sections[sections.count - 1].values[key] = old + "\n" + withoutComment(trimmed)
                continue
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.lastIndex(of: "]"), close > trimmed.index(after: trimmed.startIndex) else {
                    throw fail(n + 1, "a section header needs a name in brackets")
                }
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                if sections.contains(where: { $0.name == name }) { throw fail(n + 1, "section [\(name)] appears twice") }
                sections.append((name, [:]))
                lastKey = nil
                continue
            }
            guard !sections.isEmpty else { throw fail(n + 1, "a key before any [section] header") }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw fail(n + 1, "expected 'key = value'")
            }
            let key = String(trimmed[..<delimiter].trimmingSpaces).lowercased()
            guard !key.isEmpty else { throw fail(n + 1, "a value without a key") }
            if sections[sections.count - 1].values[key] != nil {
                throw fail(n + 1, "key '\(key)' appears twice in [\(sections[sections.count - 1].name)]")
            }
            sections[sections.count - 1].values[key] = withoutComment(trimmed[trimmed.index(after: delimiter)...].trimmingSpaces)
            lastKey = key
            keyIndent = indent
        }
        return AWSINIFile(sections: sections)
    }

    /// The value before a ` ;` or ` #` comment.
    private static func withoutComment(_ value: Substring) -> String {
        var previous: Character = "x"
        for i in value.indices {
            let c = value[i]
            if (c == ";" || c == "#") && (previous == " " || previous == "\t") { return String(value[..<i].trimmingSpaces) }
            previous = c
        }
        return String(value)
    }

    /// The profiles of a config file: `[default]` and `[profile NAME]` (the name split
    /// shell-style, so `[profile "my name"]` is "my name"); other sections are not profiles.
    var configProfiles: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for (name, values) in sections {
            if name == "default" {
                out["default", default: [:]].merge(values) { _, new in new }
            } else if name.hasPrefix("profile"), let words = try? ShellWords.split(name), words.count == 2, words[0] == "profile" {
                out[words[1], default: [:]].merge(values) { _, new in new }
            }
        }
        return out
    }

    /// The profiles of a credentials file: every section is one, named as written.
    var credentialProfiles: [String: [String: String]] {
        Dictionary(sections.map { ($0.name, $0.values) }, uniquingKeysWith: { _, new in new })
    }
}

/// The two shared files as found: their paths (for messages) and their contents (nil: absent).
struct AWSSharedFiles: Sendable {
    var credentialsPath: String
    var credentialsText: String?
    var configPath: String
    var configText: String?

    static let none = AWSSharedFiles(
        credentialsPath: "~/.aws/credentials", credentialsText: nil, configPath: "~/.aws/config", configText: nil)

    /// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`, else `~/.aws/credentials` and
    /// `~/.aws/config`; a leading `~` is the home directory. A missing file is no file.
    static func load(environment: (String) -> String?) throws(TraciaError) -> AWSSharedFiles {
        func path(_ variable: String, _ name: String) -> String {
            let given = environment(variable).flatMap { $0.isEmpty ? nil : $0 } ?? "~/.aws/\(name)"
            guard given == "~" || given.hasPrefix("~/") else { return given }
            let home = environment("HOME").flatMap { $0.isEmpty ? nil : $0 } ?? ClientOptions.homeFromUserDatabase() ?? ""
            return home + given.dropFirst()
        }
        let credentials = path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
        let config = path("AWS_CONFIG_FILE", "config")
        return AWSSharedFiles(
            credentialsPath: credentials, credentialsText: try readSmallFile(credentials), configPath: config,
            configText: try readSmallFile(config))
    }

    /// The text of a regular file of at most 1 MB; nil when there is none.
    static func readSmallFile(_ path: String) throws(TraciaError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw TraciaError(.invalidRequest, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let limit = 1 << 20
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw TraciaError(.invalidRequest, "cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > limit { throw TraciaError(.invalidRequest, "\(path) is larger than 1 MB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
