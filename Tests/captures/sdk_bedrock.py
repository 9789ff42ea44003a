"""boto3's side (bedrock-runtime): the events of converse_stream folded by content block, or the
output message of converse."""
from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from captures import Capture
from outcome import Outcome, Usage, arguments, code_for_status, failed, finish_reason

MESSAGES = [{"role": "user", "content": [{"text": "Hi"}]}]


def run(capture: Capture, base_url: str) -> Outcome:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=base_url,
                          aws_access_key_id="AKIDREPLAY", aws_secret_access_key="replay-secret",
                          config=Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60))
    try:
        if capture.stream:
            response = client.converse_stream(modelId=capture.model, messages=MESSAGES)
            return _fold_stream(capture, response["stream"])
        return _message(capture, client.converse(modelId=capture.model, messages=MESSAGES))
    except ClientError as e:
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status and status >= 400:
            return failed(code_for_status(status), str(e), status)
        return failed("PROVIDER_ERROR", str(e))  # an exception frame inside a 200 stream


def _fold_stream(capture: Capture, events) -> Outcome:
    out, reasoning, calls, raw_reason, usage = Outcome(), {}, {}, None, None
    for event in events:
        if "contentBlockStart" in event:
            e = event["contentBlockStart"]
            use = e.get("start", {}).get("toolUse")
            if use:
                calls[e["contentBlockIndex"]] = {"id": use["toolUseId"], "name": use["name"], "input": ""}
        elif "contentBlockDelta" in event:
            e = event["contentBlockDelta"]
            index, delta = e["contentBlockIndex"], e["delta"]
            if "text" in delta:
                out.text += delta["text"]
            elif "toolUse" in delta:
                call = calls.setdefault(index, {"id": None, "name": None, "input": ""})
                call["input"] += delta["toolUse"].get("input", "")
            elif "reasoningContent" in delta:
                block = reasoning.setdefault(index, {"text": "", "signature": "", "redacted": b""})
                r = delta["reasoningContent"]
                block["text"] += r.get("text", "")
                block["signature"] += r.get("signature", "")
                block["redacted"] += r.get("redactedContent", b"")
        elif "messageStop" in event:
            raw_reason = event["messageStop"].get("stopReason")
        elif "metadata" in event:
            usage = event["metadata"].get("usage", usage)
    for block in reasoning.values():
        out.reasoning += block["text"]
        if block["signature"]:
            out.signatures.append(block["signature"])
        if block["redacted"]:
            out.redacted.append(block["redacted"])
    out.tool_calls = [{"id": c["id"], "name": c["name"], "arguments": arguments(c["input"])} for c in calls.values()]
    out.usage = _usage(usage)
    out.finish_reason = finish_reason(capture.provider, raw_reason, bool(out.tool_calls))
    return out


def _message(capture: Capture, response: dict) -> Outcome:
    out = Outcome()
    for block in response["output"]["message"]["content"]:
        if "text" in block:
            out.text += block["text"]
        elif "toolUse" in block:
            use = block["toolUse"]
            out.tool_calls.append({"id": use["toolUseId"], "name": use["name"], "arguments": use.get("input", {})})
        elif "reasoningContent" in block:
            r = block["reasoningContent"]
            if "reasoningText" in r:
                out.reasoning += r["reasoningText"].get("text", "")
                if r["reasoningText"].get("signature"):
                    out.signatures.append(r["reasoningText"]["signature"])
            if "redactedContent" in r:
                out.redacted.append(r["redactedContent"])
    out.usage = _usage(response.get("usage"))
    out.finish_reason = finish_reason(capture.provider, response.get("stopReason"), bool(out.tool_calls))
    return out


def _usage(u: dict | None) -> Usage:
    if not u:
        return Usage()
    # inputTokens leaves out the cache reads and writes, which input_tokens counts.
    read = u.get("cacheReadInputTokens", u.get("cacheReadInputTokenCount"))
    write = u.get("cacheWriteInputTokens", u.get("cacheWriteInputTokenCount"))
    inputs, output = u.get("inputTokens", 0) + (read or 0) + (write or 0), u.get("outputTokens", 0)
    return Usage(inputs, output, u.get("totalTokens", inputs + output), None, read, write)
