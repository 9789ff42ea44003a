"""client.prompts, client.spans and run_embedding against the fake Tracia API and the fake
embedding endpoints, sync and async, through the real library."""
import asyncio

import pytest

from tracia import (CreatePromptOptions, CreateSpanPayload, EvaluateOptions, ListSpansOptions, RunOptions, Tracia, TraciaError,
                    TraciaErrorCode, UpdatePromptOptions)


@pytest.fixture
def client(collector, embeddings):
    with Tracia("tr-test-key", base_url=collector.url, openai_api_key="sk-test-embed",
                openai_base_url=embeddings + "/v1", google_api_key="g-key", google_base_url=embeddings,
                bedrock_base_url=embeddings, bedrock_api_key="b-key", max_retries=0) as c:
        yield c


def content(text):
    return [{"id": "m1", "role": "user", "content": text}]


def test_prompts_lifecycle(client):
    created = client.prompts.create(CreatePromptOptions(name="Greeting One", content=content("Hi {{name}}")))
    assert created.slug == "greeting-one" and created.current_version == 1
    assert created.versions[0].messages[0].content == "Hi {{name}}"
    assert created.created_at.year == 2025
    assert "greeting-one" in [p.slug for p in client.prompts.list()]
    with pytest.raises(TraciaError) as conflict:
        client.prompts.create(CreatePromptOptions(name="Greeting One", content=content("x")))
    assert conflict.value.code is TraciaErrorCode.CONFLICT and conflict.value.status_code == 409
    updated = client.prompts.update("greeting-one", UpdatePromptOptions(content=content("Hello {{name}}")))
    assert updated.current_version == 2
    with pytest.raises(TraciaError) as missing:
        client.prompts.run("greeting-one")
    assert missing.value.code is TraciaErrorCode.MISSING_VARIABLES
    result = client.prompts.run("greeting-one", {"name": "Ada"}, RunOptions(tags=["t1"], user_id="u1"))
    assert result.text == "Hello Ada" and result.prompt_version == 2 and result.usage.total_tokens == 12
    assert client.prompts.get("greeting-one").name == "Greeting One"
    client.prompts.delete("greeting-one")
    with pytest.raises(TraciaError) as gone:
        client.prompts.get("greeting-one")
    assert gone.value.code is TraciaErrorCode.NOT_FOUND and gone.value.status_code == 404


def test_api_error_bodies(client):
    with pytest.raises(TraciaError) as odd:
        client.prompts.get("odd-error")
    assert odd.value.code is TraciaErrorCode.UNKNOWN and odd.value.message == "no SDK knows this code"
    with pytest.raises(TraciaError) as server:
        client.prompts.get("server-error")
    assert server.value.code is TraciaErrorCode.UNKNOWN and server.value.status_code == 500
    with Tracia("tr-wrong-key", base_url=_base[0]) as wrong, pytest.raises(TraciaError) as denied:
        wrong.prompts.list()
    assert denied.value.code is TraciaErrorCode.UNAUTHORIZED


_base = [""]


@pytest.fixture(autouse=True)
def remember_base(collector):
    _base[0] = collector.url


def test_spans_create_get_list_evaluate(client):
    made = client.spans.create(CreateSpanPayload(span_id="sp_00000000000000aa", model="gpt-4o", provider="openai",
                                                 input={"messages": []}, status="SUCCESS", latency_ms=3, input_tokens=1,
                                                 output_tokens=2, total_tokens=3, tags=["rest"], user_id="u-rest"))
    assert made.span_id == "sp_00000000000000aa"
    span = client.spans.get("sp_00000000000000aa")
    assert span.model == "gpt-4o" and span.tags == ["rest"]
    listed = client.spans.list(ListSpansOptions(user_id="u-rest", tags=["rest"], limit=10))
    assert [s.span_id for s in listed.spans] == ["sp_00000000000000aa"] and listed.has_more is False
    evaluation = client.spans.evaluate("sp_00000000000000aa", EvaluateOptions(evaluator="quality", value=1, note="ok"))
    assert evaluation.evaluator_key == "quality" and evaluation.value == 1.0 and evaluation.note == "ok"
    with pytest.raises(TraciaError) as missing:
        client.spans.get("sp_ffffffffffffffff")
    assert missing.value.code is TraciaErrorCode.NOT_FOUND


def test_async_variants(client):
    async def main():
        created = await client.prompts.acreate(CreatePromptOptions(name="Async One", content=content("Yo")))
        listed = await client.prompts.alist()
        got = await client.prompts.aget(created.slug)
        updated = await client.prompts.aupdate(created.slug, UpdatePromptOptions(description="d"))
        run = await client.prompts.arun(created.slug)
        await client.prompts.adelete(created.slug)
        spans = await client.spans.alist(ListSpansOptions(prompt_slug=created.slug))
        span = await client.spans.aget(run.span_id)
        made = await client.spans.acreate(CreateSpanPayload(span_id="sp_00000000000000bb", model="m", provider="openai",
                                                            input={}, status="ERROR", error="e", latency_ms=1,
                                                            input_tokens=0, output_tokens=0, total_tokens=0))
        ev = await client.spans.aevaluate(made.span_id, EvaluateOptions(evaluator="x", value=0))
        emb = await client.arun_embedding(input=["a", "bb"], model="text-embedding-3-small")
        return created, listed, got, updated, run, spans, span, ev, emb

    created, listed, got, updated, run, spans, span, ev, emb = asyncio.run(main())
    assert got.slug == created.slug and created.slug in [p.slug for p in listed]
    assert updated.description == "d" and run.text == "Yo"
    assert [s.span_id for s in spans.spans] == [run.span_id] and span.prompt_slug == created.slug
    assert ev.value == 0.0 and [e.values[0] for e in emb.embeddings] == [1.0, 2.0]


@pytest.mark.parametrize("model,provider,tokens", [
    ("text-embedding-3-small", "openai", 3), ("text-embedding-004", "google", 0),
    ("amazon.titan-embed-text-v2:0", "amazon_bedrock", 3), ("cohere.embed-english-v3", "amazon_bedrock", 0)])
def test_run_embedding_providers(client, collector, model, provider, tokens):
    result = client.run_embedding(input=["one two", "three"], model=model, tags=["emb"])
    assert [e.index for e in result.embeddings] == [0, 1]
    assert [e.values[:2] for e in result.embeddings] == [[7.0, 0.0], [5.0, 1.0]]
    assert result.provider == provider and result.usage.total_tokens == tokens and result.cost is None
    client.flush()
    span = next(s for s in collector.spans if s["spanId"] == result.span_id)
    assert span["spanKind"] == "EMBEDDING" and span["input"] == {"text": ["one two", "three"]}
    assert span["output"] == '{"dimensions": 3, "count": 2}' and span["status"] == "SUCCESS"


def test_run_embedding_errors(client, embeddings):
    with pytest.raises(TraciaError) as empty:
        client.run_embedding(input="  ", model="text-embedding-3-small")
    assert empty.value.code is TraciaErrorCode.INVALID_REQUEST
    with pytest.raises(TraciaError) as anthropic:
        client.run_embedding(input="x", model="claude-3-haiku")
    assert anthropic.value.code is TraciaErrorCode.UNSUPPORTED_MODEL
    with pytest.raises(TraciaError) as voyage:
        client.run_embedding(input="x", model="voyage-3", dimensions=8, provider_api_key="v-key")
    assert voyage.value.code is TraciaErrorCode.UNSUPPORTED_MODEL
    with Tracia("tr-test-key", base_url=_base[0], openai_api_key="sk-secret-1234",
                openai_base_url=embeddings + "/unauthorized/v1") as bad, pytest.raises(TraciaError) as denied:
        bad.run_embedding(input="x", model="text-embedding-3-small")
    assert denied.value.code is TraciaErrorCode.UNAUTHORIZED and "sk-secret-1234" not in str(denied.value)


def test_session_links_embeddings(client):
    session = client.create_session()
    first = session.run_embedding(input="a", model="text-embedding-3-small")
    second = session.run_embedding(input="b", model="text-embedding-3-small")
    assert first.trace_id == second.trace_id == session.trace_id and session.last_span_id == second.span_id
