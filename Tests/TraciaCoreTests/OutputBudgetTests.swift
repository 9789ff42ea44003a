import Testing

@testable import TraciaCore

// Each Claude family's documented maximum output, as max_tokens when the caller gives none.

/// Model names as Anthropic, Vertex and Bedrock spell them, and the maximum each documents.
private let documented: [(model: String, maximum: Int)] = [
    ("claude-opus-4-20250514", 32000), ("claude-opus-4-0", 32000), ("claude-opus-4-1-20250805", 32000), ("claude-opus-4-1", 32000),
    ("claude-opus-4-5-20251101", 64000), ("claude-opus-4-5", 64000),
    ("claude-opus-4-6", 128_000), ("claude-opus-4-7", 128_000), ("claude-opus-5-5", 128_000),
    ("claude-sonnet-4-20250514", 64000), ("claude-sonnet-4-0", 64000), ("claude-sonnet-4-5-20250929", 64000), ("claude-sonnet-4-5", 64000),
    ("claude-sonnet-4-6", 128_000), ("claude-sonnet-5", 128_000),
    ("claude-haiku-4-5-20251001", 64000), ("claude-haiku-4-5", 64000),
    ("claude-fable-5-1", 128_000),
    ("claude-3-7-sonnet-20250219", 64000), ("claude-3-7-sonnet-latest", 64000),
    ("claude-3-5-haiku-20241022", 8192), ("claude-3-5-haiku-latest", 8192),
    ("claude-3-opus-20240229", 4096), ("claude-3-sonnet-20240229", 4096), ("claude-3-haiku-20240307", 4096),
    ("claude-3-5-sonnet-20241022", 4096),
    // Vertex, Bedrock (with and without a profile's geography, in an ARN), any case.
    ("claude-opus-4-1@20250805", 32000), ("claude-sonnet-4-5@20250929", 64000),
    ("anthropic.claude-3-7-sonnet-20250219-v1:0", 64000), ("us.anthropic.claude-opus-4-6-v1", 128_000),
    ("global.anthropic.claude-haiku-4-5-20251001-v1:0", 64000),
    ("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-20250514-v1:0", 32000),
    ("Claude-Sonnet-4-5", 64000),
]

@Test(arguments: documented)
func eachFamilyGetsItsDocumentedMaximum(model: String, maximum: Int) {
    #expect(OutputBudget.claudeMaximum(of: model) == maximum)
    #expect(OutputBudget.claudeDefault(of: model) == maximum)
}

/// The index of the row a model name matches.
private func row(of model: String) -> Int? {
    guard let (family, version) = OutputBudget.claudeFamily(of: model) else { return nil }
    return OutputBudget.claude.firstIndex { ($0.family == nil || $0.family == family) && $0.versions.contains(version) }
}

@Test func everyRowOfTheTableIsCovered() {
    let covered = Set(documented.compactMap { row(of: $0.model) })
    #expect(
        covered == Set(OutputBudget.claude.indices), "rows without a model above: \(Set(OutputBudget.claude.indices).subtracting(covered))")
}

@Test(arguments: ["claude-instant-1.2", "claude-2.1", "claude-haiku-5", "claude-next", "anthropic.claude-v2:1", "gpt-4o", "claude", ""])
func aModelTheTableDoesNotKnowGetsTheSafeDefault(model: String) {
    #expect(OutputBudget.claudeMaximum(of: model) == nil)
    #expect(OutputBudget.claudeDefault(of: model) == 4096)
}

@Test func namesAreReadAsFamilyAndVersion() {
    #expect(OutputBudget.claudeFamily(of: "claude-opus-4-1-20250805")! == ("opus", .init(major: 4, minor: 1)))
    #expect(OutputBudget.claudeFamily(of: "claude-opus-4-20250514")! == ("opus", .init(major: 4, minor: 0)), "a date is no minor version")
    #expect(OutputBudget.claudeFamily(of: "claude-3-5-haiku-latest")! == ("haiku", .init(major: 3, minor: 5)))
    #expect(OutputBudget.claudeFamily(of: "claude-2.1") == nil, "no family")
}

// MARK: with thinking

private func thinking(_ model: String, budget: Int, maxOutputTokens: Int? = nil) throws(TraciaError) -> ClaudeThinking {
    var r = RunRequest(model: model, messages: [Message(role: .user, text: "hi")])
    r.maxOutputTokens = maxOutputTokens
    return try ClaudeThinking(ReasoningRequest(budgetTokens: budget), of: r, provider: "anthropic")
}

@Test func theModelsMaximumHoldsTheBudgetAndTheAnswer() throws {
    #expect(try thinking("claude-opus-4-1", budget: 4096).maxTokens == 32000)
    #expect(try thinking("claude-opus-4-1", budget: 31999).maxTokens == 32000)
    #expect(try thinking("us.anthropic.claude-sonnet-4-5-20250929-v1:0", budget: 20000).maxTokens == 64000)
    // The caller's limit wins; a model the table does not know leaves 4096 tokens to the answer.
    #expect(try thinking("claude-opus-4-1", budget: 4096, maxOutputTokens: 10000).maxTokens == 10000)
    #expect(try thinking("claude-nova-experimental", budget: 2048).maxTokens == 6144)
}

@Test func aBudgetThatFillsTheModelsMaximumIsRefused() {
    #expect(throws: TraciaError.self) { try thinking("claude-opus-4-1", budget: 32000) }
    do {
        _ = try thinking("claude-3-5-haiku-latest", budget: 9000)
        Issue.record("a budget over the maximum output must be refused")
    } catch {
        #expect(error.code == .invalidRequest)
        #expect(
            error.message
                == "reasoning: anthropic takes at most 8192 output tokens from claude-3-5-haiku-latest, the reasoning included: budget_tokens 9000 leaves none for the answer"
        )
    }
}
