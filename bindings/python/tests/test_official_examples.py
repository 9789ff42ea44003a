"""The official Tracia SDK's README examples (tracia 0.3.1) for the Prompts API and the Spans
API, run unchanged against the fakes; only the client's construction points at them. The
README shows no embedding example, so run_embedding is called as its docstring documents it.
The fake Tracia API starts empty: each test first puts in place what the example reads."""
import pytest

from tracia import CreatePromptOptions, Tracia


@pytest.fixture
def client(collector, embeddings, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", embeddings + "/v1")
    with Tracia(api_key="tr-test-key", base_url=collector.url) as c:
        yield c


def test_prompts_api_example(client):
    client.prompts.create(CreatePromptOptions(name="My Prompt", slug="my-prompt",
                                              content=[{"id": "m1", "role": "user", "content": "Hello {{name}}!"}]))

    # List all prompts
    prompts = client.prompts.list()

    # Get a specific prompt
    prompt = client.prompts.get("my-prompt")

    # Run a prompt template
    result = client.prompts.run(
        "my-prompt",
        variables={"name": "World"}
    )

    assert "my-prompt" in [p.slug for p in prompts]
    assert prompt.slug == "my-prompt" and prompt.versions[0].messages[0].content == "Hello {{name}}!"
    assert result.text == "Hello World!" and result.span_id


def test_spans_api_example(client, collector):
    with collector.lock:
        collector.spans.append({"spanId": "sp_xxx", "traceId": "tr_xxx", "model": "gpt-4o", "provider": "openai",
                                "input": {"messages": []}, "output": "hi", "status": "SUCCESS", "latencyMs": 5,
                                "inputTokens": 1, "outputTokens": 1, "totalTokens": 2})

    from tracia import Eval, EvaluateOptions

    # List spans
    spans = client.spans.list()

    # Evaluate a span
    client.spans.evaluate(
        "sp_xxx",
        EvaluateOptions(
            evaluator="quality",
            value=Eval.POSITIVE,  # or Eval.NEGATIVE
            note="Great response!",
        ),
    )

    assert "sp_xxx" in [s.span_id for s in spans.spans]
    evaluation = collector.api.requests[-1]
    assert evaluation["path"] == "/api/v1/spans/sp_xxx/evaluations"
    assert evaluation["body"] == {"evaluatorKey": "quality", "value": 1, "note": "Great response!"}


def test_run_embedding_as_documented(client, collector):
    result = client.run_embedding(input=["Hello world", "Goodbye"], model="text-embedding-3-small")

    assert [len(e.values) for e in result.embeddings] == [3, 3] and [e.index for e in result.embeddings] == [0, 1]
    assert result.provider == "openai" and result.model == "text-embedding-3-small" and result.cost is None
    client.flush()
    span = next(s for s in collector.spans if s["spanId"] == result.span_id)
    assert span["spanKind"] == "EMBEDDING" and span["input"] == {"text": ["Hello world", "Goodbye"]}
