import Glibc

/// include/tracia.h, as the tests that hold the header to the code read it.
struct HeaderFile {
    let lines: [Substring]

    init(path: String = HeaderFile.defaultPath) {
        lines = (HeaderFile.read(path) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The package root is three levels above this file: Tests/TraciaCoreTests/HeaderFile.swift.
    static var defaultPath: String {
        let parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/") + "/include/tracia.h"
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A `#define NAME VALUE` and the text of the comment just above it.
    struct Define: Equatable {
        let name: String
        let value: String
        let comment: String
    }

    /// Every `#define` whose name starts with `prefix`.
    func defines(prefix: String) -> [Define] {
        lines.indices.compactMap { i in
            let words = lines[i].split(separator: " ", maxSplits: 2)
            guard words.count == 3, words[0] == "#define", words[1].hasPrefix(prefix) else { return nil }
            return Define(name: String(words[1]), value: String(words[2]), comment: comment(endingAt: i - 1))
        }
    }

    /// The words of the comment that ends on line `last`, or "" when that line ends none.
    private func comment(endingAt last: Int) -> String {
        guard last >= 0, lines[last].hasSuffix("*/") else { return "" }
        var first = last
        while first > 0 && !lines[first].hasPrefix("/*") { first -= 1 }
        return HeaderFile.words(lines[first...last].joined(separator: " "))
    }

    /// The doc comment right above the line that starts with `declaration`.
    func docComment(of declaration: String) -> [Substring] {
        guard let end = lines.firstIndex(where: { $0.hasPrefix(declaration) }), end > 0, lines[end - 1] == " */" else { return [] }
        var start = end - 1
        while start > 0 && lines[start] != "/*" { start -= 1 }
        return Array(lines[start..<end])
    }

    /// The keys listed under `title` (a line ` * TITLE` or ` * TITLE (...)`) in a doc comment:
    /// each entry starts three spaces in, as `key: ...` or `key, alias: ...`; the section ends at
    /// the next line that is not an entry or an entry's indented continuation.
    static func keys(in comment: [Substring], section title: String) -> Set<String> {
        guard let header = comment.firstIndex(where: { $0 == " * \(title)" || $0.hasPrefix(" * \(title) (") }) else { return [] }
        var keys: Set<String> = []
        for line in comment[(header + 1)...] {
            guard line.hasPrefix(" *   ") else { break }
            let body = line.dropFirst(5)
            if body.hasPrefix(" ") { continue }  // continuation of the entry above
            guard let colon = body.firstIndex(of: ":") else { break }
            let names = body[..<colon].split(separator: ",").map { $0.drop(while: { $0 == " " }) }
            guard names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0 == "_" } }) else { break }
            keys.formUnion(names.map(String.init))
        }
        return keys
    }

    /// Comment text as plain words: markers and line breaks gone, spaces collapsed.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0 != "/*" && $0 != "*" && $0 != "*/" }.joined(
            separator: " ")
    }
}
