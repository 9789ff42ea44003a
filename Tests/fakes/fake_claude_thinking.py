"""Claude's rules for extended thinking, shared by the Anthropic fake and the Bedrock fake (which
relays the same texts inside its own envelope): what a request may ask for while thinking, and
what the assistant turn of a tool-use cycle must carry back. Texts are verbatim from the service
(provider-wire-formats-2.md §1.1 unless noted).

A reasoning block is seen through a dialect's reader as one of
    ("thinking", text, signature) | ("redacted", data) | ("other", type)
with `type` spelled as Anthropic does (`text`, `tool_use`, ...).
"""

BUDGET_TOO_SMALL = "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
# Quoted in anthropics/claude-code#8756 (relayed from Bedrock); not in the wire-format notes.
BUDGET_NOT_BELOW_MAX = ("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
                        "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size")
TEMPERATURE_WHILE_THINKING = {"enabled": "`temperature` may only be set to 1 when thinking is enabled",
                              "adaptive": "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode"}
FORCED_TOOL_WHILE_THINKING = "Thinking may not be enabled when tool_choice forces tool use."
THINKING_MISSING = ("messages.{n}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{found}`. When `thinking` "
                    "is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of "
                    "`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid "
                    "this requirement, disable `thinking`. Please consult our documentation at "
                    "https://docs.claude.com/en/docs/build-with-claude/extended-thinking")
SIGNATURE_INVALID = "messages.{n}.content.{k}: Invalid `signature` in `thinking` block"
# Reported by several third-party clients that replayed altered blocks; not in the wire-format notes.
REDACTED_DATA_INVALID = "messages.{n}.content.{k}: Invalid `data` in `redacted_thinking` block"
THINKING_WHILE_DISABLED = ("messages.{n}.content.{k}: When thinking is disabled, an `assistant` message in the final position "
                           "cannot contain `thinking`. To use thinking blocks, enable `thinking` in your request.")

INTERLEAVED_BETA = "interleaved-thinking-2025-05-14"


def thinking_mode(thinking):
    """"enabled", "adaptive", or None when the request does not think."""
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    return kind if kind in ("enabled", "adaptive") else None


def parameter_problem(thinking, max_tokens, temperature, forces_tool, interleaved):
    """The 400 message for a request that asks for thinking with settings that exclude it, else None."""
    mode = thinking_mode(thinking)
    if mode is None:
        return None
    budget = thinking.get("budget_tokens")
    if mode == "enabled" and isinstance(budget, int):
        if budget < 1024:
            return BUDGET_TOO_SMALL
        # With interleaved thinking the budget spans the whole turn and may exceed max_tokens.
        if isinstance(max_tokens, int) and budget >= max_tokens and not interleaved:
            return BUDGET_NOT_BELOW_MAX
    if temperature is not None and temperature != 1:
        return TEMPERATURE_WHILE_THINKING[mode]
    if forces_tool:
        return FORCED_TOOL_WHILE_THINKING
    return None


def replay_problem(messages, thinking, issued, read_blocks):
    """The 400 message for a tool-use follow-up whose final assistant turn does not carry back the
    reasoning exactly as `issued` (a list of reasoning blocks), else None. `read_blocks` turns one
    message into its reasoning-block views."""
    turns = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "assistant"]
    if not turns:
        return None
    n = turns[-1]
    blocks = read_blocks(messages[n])
    if thinking_mode(thinking) is None:
        for k, block in enumerate(blocks):
            if block[0] != "other":
                return THINKING_WHILE_DISABLED.format(n=n, k=k)
        return None
    if blocks and blocks[0][0] == "other":
        return THINKING_MISSING.format(n=n, found=blocks[0][1])
    for k, block in enumerate(blocks):
        # The service checks a block against its signature; here, against what was issued.
        if block[0] == "thinking" and block not in issued:
            return SIGNATURE_INVALID.format(n=n, k=k)
        if block[0] == "redacted" and block not in issued:
            return REDACTED_DATA_INVALID.format(n=n, k=k)
    return None
