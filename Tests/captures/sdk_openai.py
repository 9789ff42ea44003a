"""The openai SDK's side (Chat Completions, also for OpenAI-compatible servers): the stream
accumulated by the SDK's own ChatCompletionStream snapshot, or the whole ChatCompletion."""
from __future__ import annotations

import openai

from captures import Capture
from outcome import Outcome, Usage, arguments, code_for_status, failed, finish_reason

MESSAGES = [{"role": "user", "content": "Hi"}]


def run(capture: Capture, base_url: str) -> Outcome:
    client = openai.OpenAI(api_key="sk-replay", base_url=base_url, max_retries=0, timeout=60)
    try:
        if capture.stream:
            usage = None
            # The snapshot, not get_final_completion(): that one raises on finish_reason "length".
            with client.chat.completions.stream(model=capture.model, messages=MESSAGES) as stream:
                for event in stream:
                    if event.type == "chunk" and event.chunk.usage is not None:
                        usage = event.chunk.usage
                completion = stream.current_completion_snapshot
        else:
            completion = client.chat.completions.create(model=capture.model, messages=MESSAGES)
            usage = completion.usage
    except openai.APIStatusError as e:
        return failed(code_for_status(e.status_code), str(e), e.status_code)
    except openai.APIError as e:  # an error event inside a 200 stream
        return failed("PROVIDER_ERROR", str(e))
    choice = next((c for c in completion.choices if c.index == 0), None)
    return _outcome(capture, choice, usage)


def _outcome(capture: Capture, choice, usage) -> Outcome:
    message = choice.message if choice else None
    extra = (message.model_extra or {}) if message else {}
    calls = [{"id": c.id or f"call_{i}", "name": c.function.name, "arguments": arguments(c.function.arguments or "")}
             for i, c in enumerate(message.tool_calls or [])] if message else []
    details = usage.completion_tokens_details if usage else None
    prompt = usage.prompt_tokens_details if usage else None
    cached = prompt.cached_tokens if prompt and prompt.cached_tokens is not None else \
        (usage.model_extra or {}).get("prompt_cache_hit_tokens") if usage else None
    return Outcome(
        text=(message.content or "") if message else "",
        reasoning=extra.get("reasoning_content") or extra.get("reasoning") or "",
        tool_calls=calls,
        usage=Usage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens,
                    details.reasoning_tokens if details else None, cached,
                    prompt.cache_write_tokens if prompt else None) if usage else Usage(),
        finish_reason=finish_reason(capture.provider, choice.finish_reason if choice else None, bool(calls)))
