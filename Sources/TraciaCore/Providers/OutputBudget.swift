/// The most output tokens each Claude family may write, as Anthropic documents it
/// (provider-wire-formats-2.md §9): the Messages API requires a max_tokens, and a call that
/// gives no max_output_tokens gets its model's maximum rather than a cut answer. One row a
/// family; a model the table does not know gets `fallback`, which every Claude model takes.
///
/// A model name matches by its family and version however it is spelled: claude-sonnet-4-5,
/// claude-sonnet-4-5-20250929, claude-opus-4-1@20250805 (Vertex), claude-3-7-sonnet-latest,
/// us.anthropic.claude-opus-4-6-v1 (Bedrock).
enum OutputBudget {
    struct Version: Comparable {
        let major: Int
        let minor: Int

        static func < (a: Version, b: Version) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
        /// Up to every later version.
        static let latest = Version(major: .max, minor: .max)
    }

    struct Row {
        /// opus, sonnet, haiku, …; nil for any family.
        let family: String?
        let versions: ClosedRange<Version>
        let maxTokens: Int
    }

    private static func v(_ major: Int, _ minor: Int) -> Version { Version(major: major, minor: minor) }

    /// The first row that matches wins.
    static let claude: [Row] = [
        Row(family: "opus", versions: v(4, 6)...Version.latest, maxTokens: 128_000),  // Opus 4.6, 4.7 and later
        Row(family: "opus", versions: v(4, 5)...v(4, 5), maxTokens: 64_000),
        Row(family: "opus", versions: v(4, 0)...v(4, 1), maxTokens: 32_000),
        Row(family: "sonnet", versions: v(4, 6)...Version.latest, maxTokens: 128_000),  // Sonnet 4.6, 5 and later
        Row(family: "sonnet", versions: v(4, 0)...v(4, 5), maxTokens: 64_000),
        Row(family: "haiku", versions: v(4, 5)...v(4, 5), maxTokens: 64_000),
        Row(family: "fable", versions: v(5, 1)...Version.latest, maxTokens: 128_000),
        Row(family: "sonnet", versions: v(3, 7)...v(3, 7), maxTokens: 64_000),
        Row(family: "haiku", versions: v(3, 5)...v(3, 5), maxTokens: 8192),
        Row(family: nil, versions: v(3, 0)...v(3, 5), maxTokens: 4096),  // the other Claude 3 models
    ]

    /// What a model the table does not know gets.
    static let fallback = 4096

    /// The documented maximum output of a Claude model; nil when the table does not know it.
    static func claudeMaximum(of model: String) -> Int? {
        guard let (family, version) = claudeFamily(of: model) else { return nil }
        return claude.first { ($0.family == nil || $0.family == family) && $0.versions.contains(version) }?.maxTokens
    }

    /// max_tokens for a call that gives none.
    static func claudeDefault(of model: String) -> Int { claudeMaximum(of: model) ?? fallback }

    /// The family and version a Claude model name spells: claude-{family}-{major}[-{minor}] from
    /// Claude 4 on, claude-{major}[-{minor}]-{family} before. A minor version is one or two
    /// digits (a date is not one); nil for a name that is neither.
    static func claudeFamily(of model: String) -> (family: String, version: Version)? {
        let name = model.lowercased()
        guard let start = name.firstRange(of: "claude-") else { return nil }
        var words = name[start.upperBound...].split(whereSeparator: { "-@:._/".contains($0) })[...]
        func number(_ word: Substring?, digits: ClosedRange<Int>) -> Int? {
            guard let word, digits.contains(word.count), word.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(word)
        }
        func isFamily(_ word: Substring?) -> Bool { word.map { !$0.isEmpty && $0.allSatisfy(\.isLetter) } ?? false }
        var family: Substring?
        if isFamily(words.first) { family = words.popFirst() }
        guard let major = number(words.popFirst(), digits: 1...2) else { return nil }
        var minor = 0
        if let next = number(words.first, digits: 1...2) {
            minor = next
            words.removeFirst()
        }
        if family == nil, isFamily(words.first) { family = words.first }
        guard let family else { return nil }
        return (String(family), Version(major: major, minor: minor))
    }
}
