"""Prompt caching as the fakes play it: the counts scenario `cached` reports (each dialect in its
provider's own usage shape), and the cache marks Anthropic and Bedrock check in a request, with
their error texts.

Every dialect's `cached` answer stands for the same call: 4512 input tokens, of which 3000 were
read from the cache and (where the provider says) 1500 written to it.
"""

CACHE_READ = 3000
CACHE_WRITE = 1500
UNCACHED = 12  # Anthropic's input_tokens, Bedrock's inputTokens: the rest
PROMPT = UNCACHED + CACHE_READ + CACHE_WRITE  # OpenAI's prompt_tokens, Gemini's promptTokenCount

MAX_BREAKPOINTS = 4
# Verbatim from the service (issues quoting its 400s, e.g. tghamm/Anthropic.SDK#50); Bedrock
# relays Claude's texts.
TOO_MANY = "A maximum of 4 blocks with cache_control may be provided. Found {n}."
TTL_ORDER = ("{path}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. "
             "Note that blocks are processed in the following order: `tools`, `system`, `messages`.")
# Bedrock's own, quoted in anomalyco/opencode#36517.
AFTER_REASONING = "Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again."
# What clients that marked a thinking block report; the texts for a bad type or ttl below are in
# the same style, not verbatim.
EXTRA_INPUTS = "{path}.{key}: Extra inputs are not permitted"


def anthropic_usage(output_tokens):
    return {"input_tokens": UNCACHED, "cache_creation_input_tokens": CACHE_WRITE, "cache_read_input_tokens": CACHE_READ,
            "cache_creation": {"ephemeral_5m_input_tokens": CACHE_WRITE, "ephemeral_1h_input_tokens": 0},
            "output_tokens": output_tokens}


def openai_usage(completion_tokens):
    return {"prompt_tokens": PROMPT, "completion_tokens": completion_tokens, "total_tokens": PROMPT + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": CACHE_READ, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0}}


def gemini_usage(candidates):
    return {"promptTokenCount": PROMPT, "candidatesTokenCount": candidates, "totalTokenCount": PROMPT + candidates,
            "cachedContentTokenCount": CACHE_READ, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": PROMPT}],
            "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": CACHE_READ}]}


def bedrock_usage(output_tokens, legacy=False):
    """inputTokens is the uncached rest; totalTokens counts everything. Whole responses also carry
    the older `...Count` duplicates."""
    usage = {"inputTokens": UNCACHED, "outputTokens": output_tokens, "totalTokens": PROMPT + output_tokens,
             "cacheReadInputTokens": CACHE_READ, "cacheWriteInputTokens": CACHE_WRITE,
             "cacheDetails": [{"inputTokens": CACHE_WRITE, "ttl": "5m"}]}
    if legacy:
        usage.update(cacheReadInputTokenCount=CACHE_READ, cacheWriteInputTokenCount=CACHE_WRITE)
    return usage


def _ttl_problem(marks):
    """marks: (path, ttl) in the order the service reads the prompt; no ttl is 5 minutes."""
    seen_short = False
    for path, ttl in marks:
        if ttl == "1h" and seen_short:
            return TTL_ORDER.format(path=path)
        seen_short = seen_short or ttl != "1h"
    return None


def _mark_problem(mark, path, keys):
    if not isinstance(mark, dict) or mark.get("type") not in keys["type"]:
        return f"{path}.type: Input should be {keys['type'][0]!r}"
    if "ttl" in mark and mark["ttl"] not in ("5m", "1h"):
        return f"{path}.ttl: Input should be '5m' or '1h'"
    extra = sorted(set(mark) - {"type", "ttl"})
    return f"{path}.{extra[0]}: Extra inputs are not permitted" if extra else None


def anthropic_problem(request):
    """The 400 message for the request's cache_control marks, else None."""
    marks = []  # (path, mark) in the order tools, system, messages
    for i, tool in enumerate(request.get("tools") or []):
        if isinstance(tool, dict) and "cache_control" in tool:
            marks.append((f"tools.{i}", tool["cache_control"]))
    system = request.get("system")
    for i, block in enumerate(system if isinstance(system, list) else []):
        if isinstance(block, dict) and "cache_control" in block:
            marks.append((f"system.{i}", block["cache_control"]))
    for n, message in enumerate(request.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        for k, block in enumerate(content if isinstance(content, list) else []):
            if not isinstance(block, dict) or "cache_control" not in block:
                continue
            if block.get("type") in ("thinking", "redacted_thinking"):
                return EXTRA_INPUTS.format(path=f"messages.{n}.content.{k}.{block['type']}", key="cache_control")
            marks.append((f"messages.{n}.content.{k}", block["cache_control"]))
    if "cache_control" in request:
        marks.append(("cache_control", request["cache_control"]))
    for path, mark in marks:
        problem = _mark_problem(mark, path + ".cache_control", {"type": ("ephemeral",)})
        if problem:
            return problem
    if len(marks) > MAX_BREAKPOINTS:
        return TOO_MANY.format(n=len(marks))
    return _ttl_problem([(path, mark.get("ttl")) for path, mark in marks])


def bedrock_problem(request):
    """What is wrong with the request's cachePoint blocks, as (message, whether Bedrock relays it
    from Claude), else None."""
    marks = []
    tools = (request.get("toolConfig") or {}).get("tools") or []
    sections = [("toolConfig.tools", tools), ("system", request.get("system") or [])]
    sections += [(f"messages.{n}.content", m.get("content") or []) for n, m in enumerate(request.get("messages") or [])]
    for path, blocks in sections:
        for k, block in enumerate(blocks):
            if not isinstance(block, dict) or "cachePoint" not in block:
                continue
            if len(block) != 1:
                return f"{path}.{k}: a content block holds exactly one member", False
            if k > 0 and isinstance(blocks[k - 1], dict) and "reasoningContent" in blocks[k - 1]:
                return AFTER_REASONING, False
            marks.append((f"{path}.{k}", block["cachePoint"]))
    for path, mark in marks:
        problem = _mark_problem(mark, path + ".cachePoint", {"type": ("default",)})
        if problem:
            return problem, False
    if len(marks) > MAX_BREAKPOINTS:
        return TOO_MANY.format(n=len(marks)), True
    problem = _ttl_problem([(path, mark.get("ttl")) for path, mark in marks])
    return (problem, True) if problem else None
