"""A fake Amazon Bedrock runtime (POST .../model/{modelId}/converse and /converse-stream), in the
exact wire format: application/vnd.amazon.eventstream frames with real CRCs (zlib.crc32),
exception frames, and Bedrock error bodies. It accepts `Authorization: Bearer bedrock-test-key`,
or a SigV4 signature that it recomputes with the secret below (service bedrock), or with the
secret of temporary keys fake_aws_credentials.py issued, refusing them once expired; a session
token must be signed and be the one that goes with the key. Scenarios: see fake_provider.py.

Claude's reasoning: scenario `thinking` streams reasoningContent text deltas and one signature
delta (block 0, no contentBlockStart), then the text as block 1; `thinking-tools` the same
reasoning, then two toolUse blocks; `redacted-thinking` one redactedContent delta, then the two
toolUse blocks. Converse answers the same as `reasoningContent.reasoningText` /
`reasoningContent.redactedContent` blocks. Usage has no reasoning field. Requests asking for
thinking (additionalModelRequestFields.thinking) and tool-result follow-ups are checked by
Claude's rules (fake_claude_thinking.py), the texts wrapped as a ValidationException.

Prompt caching: scenario `cached` answers as `text` with cacheReadInputTokens and
cacheWriteInputTokens (inputTokens the uncached rest, totalTokens everything; whole responses
with the older ...Count duplicates too); every request's cachePoint blocks are checked as the
service checks them (shape, at most 4, no 1h after a 5m, none right after a reasoning block),
fake_cache.py holding the counts and the texts."""
import hashlib
import hmac
import re
import struct
import urllib.parse
import zlib

import datetime

from fake_aws_credentials import issued
from fake_cache import bedrock_problem, bedrock_usage
from fake_claude_thinking import INTERLEAVED_BETA, parameter_problem, replay_problem
from fake_media import decoded, description, inline, referenced
from fake_provider import FakeProvider, compact_json, key_matches, last_user_text, words
from fake_reasoning import REASONING_PIECES, REASONING_TEXT, REDACTED_THINKING_DATA, THINKING_SIGNATURE, THINKING_TOOLS_SIGNATURE

API_KEY = "bedrock-test-key"
ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# The session token that goes with ACCESS_KEY_ID when one is sent (keys the credential fakes
# issue have their own).
SESSION_TOKEN = "SESSIONTOKEN"
EXCEPTIONS = {400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException",
              429: "ThrottlingException", 500: "InternalServerException", 503: "ServiceUnavailableException"}


def frame(headers, payload):
    """One event-stream message: prelude, string headers, payload, CRCs."""
    encoded = b"".join(bytes([len(k)]) + k.encode() + b"\x07" + struct.pack(">H", len(v.encode())) + v.encode()
                       for k, v in headers.items())
    body = payload if isinstance(payload, bytes) else __import__("json").dumps(payload, separators=(",", ":")).encode()
    total = 12 + len(encoded) + len(body) + 4
    prelude = struct.pack(">II", total, len(encoded))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + encoded + body
    return message + struct.pack(">I", zlib.crc32(message))


def event(kind, payload):
    return frame({":event-type": kind, ":content-type": "application/json", ":message-type": "event"}, payload)


def sigv4_problem(handler, raw):
    """None when the request carries a valid SigV4 signature, else what is wrong."""
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "missing signature"
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, date, region, service, _ = fields["Credential"].split("/")
    names = fields["SignedHeaders"].split(";")
    token = handler.headers.get("x-amz-security-token")
    if token is not None and "x-amz-security-token" not in names:
        return "the session token is not signed"
    temporary = issued(key_id)
    if temporary:
        secret, expected_token, expiry = temporary
        if token != expected_token:
            return "The security token included in the request is invalid."
        if datetime.datetime.now(datetime.timezone.utc) >= expiry:
            return "The security token included in the request is expired"
    elif key_id == ACCESS_KEY_ID:
        secret = SECRET_ACCESS_KEY
        if token is not None and not key_matches(token, SESSION_TOKEN):
            return "The security token included in the request is invalid."
    else:
        return f"wrong credential scope {fields['Credential']}"
    if service != "bedrock":
        return f"wrong credential scope {fields['Credential']}"
    headers = "".join(f"{n}:{handler.headers.get(n, '').strip()}\n" for n in names)
    path = urllib.parse.quote(handler.path.split("?")[0], safe="/-_.~")
    canonical = "\n".join(["POST", path, "", headers, fields["SignedHeaders"], hashlib.sha256(raw).hexdigest()])
    amz_date = handler.headers.get("x-amz-date", "")
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not {"host", "x-amz-date", "content-type"} <= set(names) or fields["Signature"] != expected:
        return "The request signature we calculated does not match the signature you provided."
    return None


def tool_use_events(first):
    """The two get_weather calls, as blocks `first` and `first + 1`."""
    return [
        event("contentBlockStart", {"contentBlockIndex": first, "start": {"toolUse": {"toolUseId": "tooluse_A", "name": "get_weather"}}}),
        event("contentBlockDelta", {"contentBlockIndex": first, "delta": {"toolUse": {"input": "{\"city\": \"Pa"}}}),
        event("contentBlockDelta", {"contentBlockIndex": first, "delta": {"toolUse": {"input": "ris\"}"}}}),
        event("contentBlockStop", {"contentBlockIndex": first}),
        event("contentBlockStart", {"contentBlockIndex": first + 1, "start": {"toolUse": {"toolUseId": "tooluse_B", "name": "get_weather"}}}),
        event("contentBlockDelta", {"contentBlockIndex": first + 1, "delta": {"toolUse": {"input": "{\"city\": \"Rome\"}"}}}),
        event("contentBlockStop", {"contentBlockIndex": first + 1}),
    ]


TOOL_END = [
    event("messageStop", {"stopReason": "tool_use"}),
    event("metadata", {"usage": {"inputTokens": 40, "outputTokens": 22, "totalTokens": 62}, "metrics": {"latencyMs": 812}}),
]
TOOL_EVENTS = [
    event("messageStart", {"role": "assistant"}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Checking."}}),
    event("contentBlockStop", {"contentBlockIndex": 0}),
] + tool_use_events(1) + TOOL_END
TOOL_USE_BLOCKS = [{"toolUse": {"toolUseId": "tooluse_A", "name": "get_weather", "input": {"city": "Paris"}}},
                   {"toolUse": {"toolUseId": "tooluse_B", "name": "get_weather", "input": {"city": "Rome"}}}]


def reasoning_delta(reasoning):
    # Written in UTF-8, as the service does, so the reasoning's multi-byte characters reach the client as bytes.
    return event("contentBlockDelta", compact_json({"contentBlockIndex": 0, "delta": {"reasoningContent": reasoning}}))


def reasoning_events(signature):
    return ([reasoning_delta({"text": piece}) for piece in REASONING_PIECES]
            + [reasoning_delta({"signature": signature}), event("contentBlockStop", {"contentBlockIndex": 0})])


# What each scenario issues as block 0, as the assistant turn of a follow-up must carry it back.
REASONING_BLOCKS = {
    "thinking": {"reasoningContent": {"reasoningText": {"text": REASONING_TEXT, "signature": THINKING_SIGNATURE}}},
    "thinking-tools": {"reasoningContent": {"reasoningText": {"text": REASONING_TEXT, "signature": THINKING_TOOLS_SIGNATURE}}},
    "redacted-thinking": {"reasoningContent": {"redactedContent": REDACTED_THINKING_DATA}},
}
REDACTED_EVENTS = [reasoning_delta({"redactedContent": REDACTED_THINKING_DATA}), event("contentBlockStop", {"contentBlockIndex": 0})]
REASONING_EVENTS = {
    "thinking-tools": reasoning_events(THINKING_TOOLS_SIGNATURE) + tool_use_events(1),
    "redacted-thinking": REDACTED_EVENTS + tool_use_events(1),
}
# Converse block names as Claude's messages name them, for the texts Bedrock relays.
CLAUDE_TYPES = {"text": "text", "toolUse": "tool_use", "toolResult": "tool_result", "image": "image", "document": "document"}


def reasoning_view(block):
    """A Converse content block as fake_claude_thinking reads it."""
    reasoning = block.get("reasoningContent") if isinstance(block, dict) else None
    if isinstance(reasoning, dict) and "reasoningText" in reasoning:
        return ("thinking", reasoning["reasoningText"].get("text"), reasoning["reasoningText"].get("signature"))
    if isinstance(reasoning, dict) and "redactedContent" in reasoning:
        return ("redacted", reasoning["redactedContent"])
    kind = next(iter(block), None) if isinstance(block, dict) else None
    return ("other", CLAUDE_TYPES.get(kind, kind))


def read_blocks(message):
    return [reasoning_view(b) for b in message.get("content") or []]


IMAGE_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
DOCUMENT_FORMATS = {"pdf": "application/pdf", "csv": "text/csv", "doc": "application/msword",
                    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "html": "text/html", "txt": "text/plain", "md": "text/markdown"}
DOCUMENT_NAME = re.compile(r"[A-Za-z0-9()\[\]-]+( [A-Za-z0-9()\[\]-]+)*")
# Verbatim from the service.
DUPLICATE_NAMES = "Messages can't contain duplicate document names. Rename the document and retry your request."
TOO_MANY_DOCUMENTS = "You can't include more than 5 documents in a request."


def media_of(messages):
    """(problem, descriptions): image and document blocks of user messages, each with a format and
    bytes (base64) or an s3Location; documents with an allowed, unique name and a text block beside
    them, at most 5 in a request."""
    found, names = [], set()
    for i, message in enumerate(messages if isinstance(messages, list) else []):
        content = message.get("content") if isinstance(message, dict) else None
        blocks = content if isinstance(content, list) else []
        for j, block in enumerate(blocks):
            kind = next((k for k in ("image", "document") if isinstance(block, dict) and k in block), None)
            if kind is None:
                continue
            where = f"messages.{i}.member.content.{j}.member.{kind}"
            if message.get("role") != "user":
                return f"{where}: {kind} blocks are only allowed in user messages", found
            item = block[kind] if isinstance(block[kind], dict) else {}
            formats = IMAGE_FORMATS if kind == "image" else DOCUMENT_FORMATS
            if item.get("format") not in formats:
                return f"1 validation error detected: Value at '{where}.format' failed to satisfy constraint", found
            if kind == "document":
                name = item.get("name")
                if not isinstance(name, str) or not 1 <= len(name) <= 200 or not DOCUMENT_NAME.fullmatch(name):
                    return f"{where}.name: the name contains characters that are not allowed", found
                if name.lower() in names:
                    return DUPLICATE_NAMES, found
                names.add(name.lower())
                if len(names) > 5:
                    return TOO_MANY_DOCUMENTS, found
                if not any(isinstance(b, dict) and isinstance(b.get("text"), str) and b["text"].strip() for b in blocks):
                    return "A document block must be accompanied by a text block in the same message.", found
            source = item.get("source") if isinstance(item.get("source"), dict) else {}
            if set(source) == {"bytes"}:
                data = decoded(source["bytes"])
                if data is None:
                    return f"{where}.source.bytes: Invalid base64 data", found
                found.append(inline(kind, formats[item["format"]], data))
            elif set(source) == {"s3Location"} and str((source["s3Location"] or {}).get("uri", "")).startswith("s3://"):
                found.append(referenced(kind, source["s3Location"]["uri"]))
            else:
                return f"{where}.source: exactly one of bytes or s3Location is required", found
    return None, found


def claude_fields(request):
    fields = request.get("additionalModelRequestFields")
    return fields if isinstance(fields, dict) else {}


def forces_tool(request):
    choice = (request.get("toolConfig") or {}).get("toolChoice")
    return isinstance(choice, dict) and ("any" in choice or "tool" in choice)


def model_error(message):
    """A Claude error as Bedrock relays it."""
    return (400, "The model returned the following errors: " + message) if message else None


class BedrockDialect:
    content_type = "application/vnd.amazon.eventstream"
    partial_events = 3  # messageStart and two words
    closing_events = 2  # messageStop, metadata
    truncate_bytes = 4

    def endpoint(self, parts):
        return 3 if len(parts) >= 3 and parts[-3] == "model" and parts[-1] in ("converse", "converse-stream") else None

    def check(self, handler, request, raw):
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            if not key_matches(auth.removeprefix("Bearer "), API_KEY):
                return 403, "Invalid API key"
        else:
            problem = sigv4_problem(handler, raw)
            if problem:
                return 403, problem
        if not isinstance(request, dict) or "messages" not in request:
            return 400, "messages is required"
        problem, _ = media_of(request["messages"])
        if problem:
            return 400, problem
        fields, inference = claude_fields(request), request.get("inferenceConfig") or {}
        interleaved = INTERLEAVED_BETA in (fields.get("anthropic_beta") or [])
        cache_problem = bedrock_problem(request)
        if cache_problem:
            message, relayed = cache_problem
            return model_error(message) if relayed else (400, message)
        return model_error(parameter_problem(fields.get("thinking"), inference.get("maxTokens"), inference.get("temperature"),
                                             forces_tool(request), interleaved))

    def describe(self, request):
        return description(media_of(request["messages"])[1])

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        if name not in REASONING_EVENTS:
            return None
        issued = [reasoning_view(REASONING_BLOCKS[name])]
        return model_error(replay_problem(request["messages"], claude_fields(request).get("thinking"), issued, read_blocks))

    def streaming(self, path, request):
        return path.split("?")[0].endswith("/converse-stream")

    def events(self, name, request):
        if name == "tools":
            return list(TOOL_EVENTS)
        if name in REASONING_EVENTS:
            return [event("messageStart", {"role": "assistant"})] + REASONING_EVENTS[name] + TOOL_END
        parts = words(last_user_text(request))
        reason = "max_tokens" if name == "length" else "end_turn"
        index = 1 if name == "thinking" else 0
        return ([event("messageStart", {"role": "assistant"})] + (reasoning_events(THINKING_SIGNATURE) if name == "thinking" else [])
                + [event("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": w}}) for w in parts]
                + [event("contentBlockStop", {"contentBlockIndex": index}), event("messageStop", {"stopReason": reason}),
                   event("metadata", {"usage": bedrock_usage(len(parts)) if name == "cached" else
                                      {"inputTokens": 8, "outputTokens": len(parts), "totalTokens": 8 + len(parts)},
                                      "metrics": {"latencyMs": 402}})])

    def text_event(self, text):
        return event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": text}})

    def malformed_event(self):
        good = self.text_event("never")
        return good[:-1] + bytes([good[-1] ^ 0xFF])  # a bad message CRC

    def error_event(self):
        return frame({":exception-type": "throttlingException", ":content-type": "application/json", ":message-type": "exception"},
                     {"message": "Too many requests, please wait before trying again."})

    def error_body(self, status, message):
        headers = {"x-amzn-ErrorType": EXCEPTIONS.get(status, "InternalServerException") + ":http://internal.amazon.com/"}
        if status == 429:
            headers["x-amz-retry-after"] = "50"
        return {"message": message}, headers

    def body(self, name, request):
        if name == "tools" or name in REASONING_EVENTS:
            content = ([{"text": "Checking."}] if name == "tools" else [REASONING_BLOCKS[name]]) + TOOL_USE_BLOCKS
            reason, usage = "tool_use", {"inputTokens": 40, "outputTokens": 22, "totalTokens": 62}
        else:
            text = last_user_text(request)
            n = len(words(text))
            content, reason = [{"text": text}], ("max_tokens" if name == "length" else "end_turn")
            if name == "thinking":
                content = [REASONING_BLOCKS[name]] + content
            usage = bedrock_usage(n, legacy=True) if name == "cached" else {"inputTokens": 8, "outputTokens": n, "totalTokens": 8 + n}
        return {"output": {"message": {"role": "assistant", "content": content}}, "stopReason": reason, "usage": usage,
                "metrics": {"latencyMs": 402}}


def FakeBedrock(address=("127.0.0.1", 0)):
    return FakeProvider(BedrockDialect(), address)
