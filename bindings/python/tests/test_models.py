"""The SDK's types behave as the official SDK's pydantic models do where code relies on it:
the same fields and aliases, model_dump / model_dump_json / model_validate / model_copy,
equality. Compared with the official models themselves (pydantic installed in the test venv),
not with expectations written here."""
import copy
import datetime
import enum
import json

import pytest

import tracia
from tracia import _types
from official import all_names, types_module

OFFICIAL = types_module()


def official_models():
    from pydantic import BaseModel

    return sorted(name for name, value in vars(OFFICIAL).items()
                  if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == OFFICIAL.__name__)


def our_class(name):
    if hasattr(tracia, name):
        return getattr(tracia, name)
    from tracia import _api_types

    return getattr(_api_types, name)


@pytest.mark.parametrize("name", official_models())
def test_every_official_model_has_the_same_fields_aliases_and_defaults(name):
    ours, theirs = our_class(name), getattr(OFFICIAL, name)
    fields = []
    for field, info in theirs.model_fields.items():
        default = "required" if info.is_required() else "[]" if info.default_factory is list else info.default
        fields.append((field, info.alias or field, default))
    mine = [(field, alias, "required" if default is _types._MISSING else "[]" if default is list else default)
            for field, alias, default in ours._fields]
    assert mine == fields


def test_every_official_export_is_importable_from_tracia():
    missing = [name for name in all_names() if not hasattr(tracia, name)]
    assert missing == []
    assert set(all_names()) <= set(tracia.__all__)
    from tracia import SDK_VERSION, RunLocalInput  # noqa: F401

    assert SDK_VERSION == tracia.__version__


def test_exported_aliases_are_typing_unions():
    import typing

    for name in ("FinishReason", "ToolChoice", "ContentPart", "ResponsesInputItem", "ResponsesOutputItem", "ResponsesEvent"):
        assert typing.get_origin(getattr(tracia, name)) in (typing.Union, typing.Literal), name
    assert {"stop", "tool_calls", "max_tokens"} <= set(typing.get_args(tracia.FinishReason))


RESULT = {
    "text": "Hi", "spanId": "sp_0123456789abcdef", "traceId": "tr_0123456789abcdef", "latencyMs": 12,
    "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4}, "cost": None, "provider": "openai",
    "model": "gpt-4o", "toolCalls": [{"id": "c1", "name": "f", "arguments": {"x": 1}}], "finishReason": "tool_calls",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "Hi \u00e9"},
                                                  {"type": "tool_call", "id": "c1", "name": "f", "arguments": {"x": 1}}]},
    "aborted": False,
}
SPAN = {"id": "s1", "spanId": "sp_0123456789abcdef", "traceId": None, "model": "gpt-4o", "provider": "openai",
        "input": {"messages": []}, "status": "SUCCESS", "latencyMs": 5, "inputTokens": 1, "outputTokens": 2,
        "totalTokens": 3, "tags": ["a"], "createdAt": "2024-05-01T10:20:30Z"}
PROMPT = {"id": "p1", "slug": "greet", "name": "Greet", "currentVersion": 2, "createdAt": "2024-05-01T10:20:30.5+02:00",
          "updatedAt": "2024-05-02T00:00:00Z",
          "versions": [{"version": 2, "messages": [{"id": "m1", "role": "system", "content": "Hi {{name}}"}],
                        "model": "gpt-4o", "provider": "anthropic", "createdAt": "2024-05-01T10:20:30Z"}]}
SAMPLES = [("StreamResult", RESULT), ("Span", SPAN), ("Prompt", PROMPT),
           ("ListSpansResult", {"spans": [dict(SPAN, promptSlug="greet")], "hasMore": True}),
           ("RunLocalInput", {"messages": [{"role": "tool", "content": "42", "toolCallId": "c1"}], "model": "gpt-4o",
                              "provider": "google", "topP": 0.5, "tools": [
                                  {"name": "f", "description": "d", "parameters": {"properties": {
                                      "x": {"type": "array", "items": {"type": "string"}}}, "required": ["x"]}}]}),
           ("RunEmbeddingResult", {"embeddings": [{"values": [0.5, -1.0], "index": 0}], "spanId": "sp_0123456789abcdef",
                                   "traceId": "tr_0123456789abcdef", "latencyMs": 3, "usage": {"totalTokens": 2},
                                   "provider": "voyage", "model": "voyage-3"}),
           ("EvaluateResult", {"id": "e", "evaluatorKey": "q", "evaluatorName": "Quality", "value": 1.0, "source": "sdk",
                               "createdAt": "2024-05-01T10:20:30Z"})]

DUMPS = [{}, {"by_alias": True}, {"exclude_none": True}, {"by_alias": True, "exclude_none": True}, {"mode": "json"},
         {"mode": "json", "by_alias": True, "exclude_none": True}, {"exclude_unset": True}, {"exclude_defaults": True},
         {"include": {"usage", "text", "spans", "id"}}, {"exclude": {"message", "versions"}},
         {"exclude": {"usage": {"total_tokens"}}}]


def plain(value):
    """Enums compared by class name and value: ours and the official are different classes."""
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@pytest.mark.parametrize("name,data", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_model_validate_and_dumps_match_the_official(name, data):
    ours, theirs = our_class(name).model_validate(data), getattr(OFFICIAL, name).model_validate(data)
    for options in DUMPS:
        assert plain(ours.model_dump(**options)) == plain(theirs.model_dump(**options)), options
    assert ours.model_dump_json() == theirs.model_dump_json()
    assert ours.model_dump_json(by_alias=True, exclude_none=True) == theirs.model_dump_json(by_alias=True, exclude_none=True)
    assert ours.model_dump_json(indent=2) == theirs.model_dump_json(indent=2)
    assert [k for k, _ in ours] == [k for k, _ in theirs]  # iteration: (field, value) pairs
    assert ours.model_fields_set == theirs.model_fields_set
    # A round trip through JSON text, either spelling, gives an equal object.
    cls = our_class(name)
    assert cls.model_validate_json(ours.model_dump_json()) == ours
    assert cls.model_validate(json.loads(ours.model_dump_json(by_alias=True))) == ours
    assert cls.model_validate(ours) is ours


def test_nested_values_become_models():
    result = tracia.StreamResult.model_validate(RESULT)
    assert isinstance(result.usage, tracia.TokenUsage) and result.usage.total_tokens == 4
    assert isinstance(result.tool_calls[0], tracia.ToolCall)
    assert isinstance(result.message.content[1], tracia.ToolCallPart)
    assert result.provider is tracia.LLMProvider.OPENAI
    prompt = tracia.Prompt.model_validate(PROMPT)
    assert prompt.versions[0].provider is tracia.LLMProvider.ANTHROPIC
    assert prompt.created_at == datetime.datetime(2024, 5, 1, 10, 20, 30, 500000,
                                                  tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert isinstance(tracia.RunLocalInput.model_validate(SAMPLES[4][1]).tools[0].parameters.properties["x"].items,
                      tracia.JsonSchemaProperty)


def test_model_copy_matches_the_official():
    for name, data in SAMPLES[:3]:
        ours, theirs = our_class(name).model_validate(data), getattr(OFFICIAL, name).model_validate(data)
        first = next(iter(dict(theirs)))
        for deep in (False, True):
            a, b = ours.model_copy(update={first: "changed"}, deep=deep), theirs.model_copy(update={first: "changed"}, deep=deep)
            assert plain(a.model_dump()) == plain(b.model_dump())
            assert getattr(ours, first) != "changed"  # the original is untouched
            assert a.model_fields_set == b.model_fields_set
    result = tracia.StreamResult.model_validate(RESULT)
    shallow, deep = result.model_copy(), result.model_copy(deep=True)
    assert shallow == result == deep and shallow is not result
    assert shallow.usage is result.usage and deep.usage is not result.usage
    assert copy.deepcopy(result) == result


def test_equality_and_hash_as_pydantic():
    a, b = tracia.TokenUsage(input_tokens=1, output_tokens=2, total_tokens=3), tracia.TokenUsage(inputTokens=1, outputTokens=2,
                                                                                                 totalTokens=3)
    assert a == b and a != tracia.TokenUsage(input_tokens=1, output_tokens=2, total_tokens=4)
    assert a != OFFICIAL.TokenUsage(input_tokens=1, output_tokens=2, total_tokens=3)  # another class, as pydantic says
    with pytest.raises(TypeError):
        hash(a)


def test_missing_fields_and_unknown_keys_as_pydantic():
    with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError
        tracia.TokenUsage(input_tokens=1)
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        OFFICIAL.TokenUsage(input_tokens=1)
    # Unknown keys are ignored, as pydantic's default (extra="ignore") does.
    assert tracia.TextPart(text="x", annotations=[]) == tracia.TextPart(text="x")
    assert OFFICIAL.TextPart(text="x", annotations=[]) == OFFICIAL.TextPart(text="x")
    with pytest.raises(ValueError):
        tracia.TokenUsage.model_validate([1, 2, 3])


def test_results_of_a_real_call_dump_as_the_official(openai_server):
    with tracia.Tracia() as client:
        result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    theirs = OFFICIAL.RunLocalResult.model_validate(result.model_dump())
    assert result.model_dump_json(by_alias=True) == theirs.model_dump_json(by_alias=True)
    again = tracia.RunLocalResult.model_validate_json(theirs.model_dump_json())
    assert again.model_dump() == result.model_dump()
