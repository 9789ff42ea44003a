"""The google-genai SDK's side: every GenerateContentResponse of generate_content_stream (or the
one of generate_content), folded: parts in order, the last usage, the last finish reason."""
from __future__ import annotations

from google import genai
from google.genai import errors, types

from captures import Capture
from outcome import GEMINI_BLOCKED, Outcome, Usage, code_for_status, failed, finish_reason

# libtracia's id for a function call Gemini sent without one (README, Providers).
SYNTHETIC_ID = "call_gemini_{}"


def run(capture: Capture, base_url: str) -> Outcome:
    client = genai.Client(api_key="replay-key", http_options=types.HttpOptions(base_url=base_url, timeout=60000))
    try:
        if capture.stream:
            responses = list(client.models.generate_content_stream(model=capture.model, contents="Hi"))
        else:
            responses = [client.models.generate_content(model=capture.model, contents="Hi")]
    except errors.APIError as e:
        return failed(code_for_status(e.code), str(e), e.code)
    return _fold(capture, responses)


def _fold(capture: Capture, responses: list) -> Outcome:
    out, raw_reason, usage = Outcome(), None, None
    for r in responses:
        if r.prompt_feedback and r.prompt_feedback.block_reason:
            return failed("PROVIDER_ERROR", f"prompt blocked: {_name(r.prompt_feedback.block_reason)}")
        usage = r.usage_metadata or usage
        candidate = r.candidates[0] if r.candidates else None
        if not candidate:
            continue
        for part in (candidate.content.parts if candidate.content else None) or []:
            if part.thought_signature:
                out.signatures.append(part.thought_signature)
            if part.function_call:
                call = part.function_call
                out.tool_calls.append({"id": call.id or SYNTHETIC_ID.format(len(out.tool_calls)), "name": call.name,
                                       "arguments": call.args or {}})
            elif part.text is not None:
                if part.thought:
                    out.reasoning += part.text
                else:
                    out.text += part.text
        if candidate.finish_reason:
            raw_reason = _name(candidate.finish_reason)
    if raw_reason in GEMINI_BLOCKED:
        return failed("PROVIDER_ERROR", f"response blocked: {raw_reason}")
    out.usage = _usage(usage)
    out.finish_reason = finish_reason(capture.provider, raw_reason, bool(out.tool_calls))
    return out


def _usage(u) -> Usage:
    if u is None:
        return Usage()
    inputs = (u.prompt_token_count or 0) + (u.tool_use_prompt_token_count or 0)
    output = (u.candidates_token_count or 0) + (u.thoughts_token_count or 0)
    total = u.total_token_count if u.total_token_count is not None else inputs + output
    return Usage(inputs, output, total, u.thoughts_token_count, u.cached_content_token_count)


def _name(value) -> str:
    return getattr(value, "value", str(value))
