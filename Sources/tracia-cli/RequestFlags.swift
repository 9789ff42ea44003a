import TraciaCore

/// Every request option of `tracia run` as a flag, one row each: the request key it sets and how
/// its value is read. The request is then validated by the library, as from C or Python, and
/// its messages name the flags.
enum RequestFlags {
    enum Value {
        case text, integer, number
        /// Repeatable; the values make an array.
        case list
        /// Repeatable `name=value`; they make an object.
        case variable
        /// `auto`, `none`, `required`, or the name of the tool to call.
        case toolChoice
        /// `low`, `medium`, `high`, or a token budget.
        case reasoning
        /// Takes no value; sets the key to this.
        case constant(JSON)
    }

    struct Row {
        let flag: String
        let key: String
        let value: Value
        let help: String
    }

    static let rows: [Row] = [
        Row(
            flag: "--provider", key: "provider", value: .text,
            help: "openai, anthropic, google, amazon_bedrock, openai_compatible, azure, vertex or mock"),
        Row(flag: "--api", key: "api", value: .text, help: "chat or responses: OpenAI's API (openai, openai_compatible, azure)"),
        Row(flag: "--base-url", key: "base_url", value: .text, help: "the provider's base URL for this call"),
        Row(flag: "--provider-api-key", key: "provider_api_key", value: .text, help: "the provider's key for this call"),
        Row(flag: "--temperature", key: "temperature", value: .number, help: "0 to 2"),
        Row(flag: "--top-p", key: "top_p", value: .number, help: "0 to 1"),
        Row(flag: "--max-output-tokens", key: "max_output_tokens", value: .integer, help: "the most tokens of the answer"),
        Row(flag: "--stop", key: "stop_sequences", value: .list, help: "a stop sequence (repeatable)"),
        Row(flag: "--tool-choice", key: "tool_choice", value: .toolChoice, help: "auto, none, required or a tool's name"),
        Row(flag: "--json-answer", key: "response_format", value: .constant(["type": "json"]), help: "ask for a JSON answer"),
        Row(flag: "--reasoning", key: "reasoning", value: .reasoning, help: "low, medium, high or a token budget"),
        Row(flag: "--timeout-ms", key: "timeout_ms", value: .integer, help: "the whole call's time limit"),
        Row(flag: "--var", key: "variables", value: .variable, help: "name=value, for {{name}} in the prompt (repeatable)"),
        Row(flag: "--tag", key: "tags", value: .list, help: "a tag of the span (repeatable)"),
        Row(flag: "--user", key: "user_id", value: .text, help: "the span's user id"),
        Row(flag: "--session", key: "session_id", value: .text, help: "the span's session id"),
        Row(flag: "--trace-id", key: "trace_id", value: .text, help: "the trace the span joins (tr_…)"),
        Row(flag: "--parent-span-id", key: "parent_span_id", value: .text, help: "the span's parent (sp_…)"),
        Row(flag: "--no-trace", key: "send_trace", value: .constant(false), help: "record no span"),
        Row(flag: "--mock-response", key: "mock_response", value: .text, help: "what the mock answers"),
        Row(flag: "--mock-reasoning", key: "mock_reasoning", value: .text, help: "the reasoning the mock shows"),
        Row(flag: "--mock-chunk-delay-ms", key: "mock_chunk_delay_ms", value: .integer, help: "the mock's wait before each chunk"),
    ]

    static func row(_ flag: String) -> Row? { rows.first { $0.flag == flag } }

    /// Sets `row`'s key in `request` from the flag's value (nil for a constant).
    static func apply(_ row: Row, value: String?, to request: inout JSONObject) {
        let given = value ?? ""
        switch row.value {
        case .text: request[row.key] = .string(given)
        case .integer:
            guard let n = Int(given) else { Terminal.fail("\(row.flag) takes an integer, not '\(given)'", status: 2) }
            request[row.key] = JSON(n)
        case .number:
            guard let d = Double(given), d.isFinite else { Terminal.fail("\(row.flag) takes a number, not '\(given)'", status: 2) }
            request[row.key] = .double(d)
        case .list: request[row.key] = .array((request[row.key]?.array ?? []) + [.string(given)])
        case .variable:
            guard let equals = given.firstIndex(of: "=") else { Terminal.fail("\(row.flag) takes name=value, not '\(given)'", status: 2) }
            var variables = request[row.key]?.object ?? [:]
            variables[String(given[..<equals])] = .string(String(given[given.index(after: equals)...]))
            request[row.key] = .object(variables)
        case .toolChoice:
            request[row.key] = ["auto", "none", "required"].contains(given) ? .string(given) : ["tool": .string(given)]
        case .reasoning:
            if let budget = Int(given) {
                request[row.key] = ["budget_tokens": JSON(budget)]
            } else if ReasoningRequest.Effort(rawValue: given) != nil {
                request[row.key] = ["effort": .string(given)]
            } else {
                Terminal.fail("\(row.flag) takes low, medium, high or a token budget, not '\(given)'", status: 2)
            }
        case .constant(let json): request[row.key] = json
        }
    }

    static func takesValue(_ row: Row) -> Bool {
        if case .constant = row.value { return false }
        return true
    }

    /// The library's message with each key named as its flag.
    static func naming(_ message: String) -> String {
        var message = message
        for row in rows {
            message = message.replacing("'\(row.key)' in request", with: row.flag)
            message = message.replacing("'\(row.key)'", with: row.flag)
        }
        return message
    }

    static var help: String {
        let width = rows.map { $0.flag.count + (takesValue($0) ? 2 : 0) }.max() ?? 0
        return rows.map { row in
            let left = row.flag + (takesValue(row) ? " V" : "")
            return "  " + left + String(repeating: " ", count: width - left.count + 2) + row.help
        }.joined(separator: "\n")
    }
}
