"""Differences between libtracia and an official SDK that are understood and accepted: capture name
-> {field: why}. A difference listed here is reported as known and does not fail the run; an entry
that no longer differs fails it, so the table cannot hide a change."""

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {
    "vai-anthropic-compat-tool": {
        "error": "the openai SDK's stream accumulator raises IndexError on a tool call whose index is 1 with "
                 "no index 0 before it (it indexes a list by the provider's index); libtracia keys calls by "
                 "index and returns the text and the call",
    },
}
