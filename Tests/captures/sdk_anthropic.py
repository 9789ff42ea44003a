"""The anthropic SDK's side: messages.stream() and its accumulated final message, or the whole
Message of messages.create()."""
from __future__ import annotations

import anthropic

from captures import Capture
from outcome import Outcome, Usage, code_for_status, failed, finish_reason

MESSAGES = [{"role": "user", "content": "Hi"}]


def run(capture: Capture, base_url: str) -> Outcome:
    client = anthropic.Anthropic(api_key="replay-key", base_url=base_url, max_retries=0, timeout=60)
    try:
        if capture.stream:
            with client.messages.stream(model=capture.model, max_tokens=4096, messages=MESSAGES) as stream:
                for _ in stream:
                    pass
                message = stream.get_final_message()
        else:
            message = client.messages.create(model=capture.model, max_tokens=4096, messages=MESSAGES)
    except anthropic.APIStatusError as e:
        # An `event: error` inside a 200 stream arrives as a status error carrying that 200.
        if e.status_code >= 400:
            return failed(code_for_status(e.status_code), str(e), e.status_code)
        return failed("PROVIDER_ERROR", str(e))
    return _outcome(capture, message)


def _outcome(capture: Capture, message) -> Outcome:
    blocks = message.content
    calls = [{"id": b.id, "name": b.name, "arguments": b.input} for b in blocks if b.type == "tool_use"]
    u = message.usage
    inputs = u.input_tokens + (u.cache_creation_input_tokens or 0) + (u.cache_read_input_tokens or 0)
    return Outcome(
        text="".join(b.text for b in blocks if b.type == "text"),
        reasoning="".join(b.thinking for b in blocks if b.type == "thinking"),
        signatures=[b.signature for b in blocks if b.type == "thinking" and b.signature],
        redacted=[b.data for b in blocks if b.type == "redacted_thinking"],
        tool_calls=calls,
        usage=Usage(inputs, u.output_tokens, inputs + u.output_tokens,
                    u.output_tokens_details.thinking_tokens if u.output_tokens_details else None,
                    u.cache_read_input_tokens, u.cache_creation_input_tokens),
        finish_reason=finish_reason(capture.provider, message.stop_reason, bool(calls)))
