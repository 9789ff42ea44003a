"""The official SDK's streaming examples, essentially verbatim, against the fake OpenAI server."""
import asyncio
import json
import threading
import time

import pytest

from tracia import StreamResult, Tracia, TraciaError, TraciaErrorCode


def test_basic_streaming(spans_file):
    client = Tracia(api_key=None)
    stream = client.run_local(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Tell me a story"}],
        stream=True,
    )
    assert stream.span_id.startswith("sp_") and stream.trace_id.startswith("tr_")
    chunks = []
    for chunk in stream:
        print(chunk, end="", flush=True)
        chunks.append(chunk)
    final = stream.result.result()
    print(f"\nTotal tokens: {final.usage.total_tokens}")
    assert chunks == ["Tell ", "me ", "a ", "story"]
    assert isinstance(final, StreamResult)
    assert final.text == "Tell me a story"
    assert final.usage.total_tokens == 13 and final.usage.input_tokens == 9 and final.usage.output_tokens == 4
    assert final.span_id == stream.span_id and not final.aborted
    assert final.finish_reason == "stop"
    client.flush()
    client.close()
    span = json.loads(spans_file.read_text())
    assert span["spanId"] == stream.span_id and span["output"] == "Tell me a story" and span["status"] == "SUCCESS"


def test_async_streaming():
    async def main():
        async with Tracia() as client:
            stream = await client.arun_local(
                model="gpt-4o",
                messages=[{"role": "user", "content": "Write a haiku about async"}],
                stream=True,
            )
            text = ""
            async for chunk in stream:
                text += chunk
            result = await stream.result
            return text, result

    text, result = asyncio.run(main())
    assert text == "Write a haiku about async" == result.text
    assert result.usage.total_tokens == 9 + 5


def test_abort_after_500_characters(openai_server):
    client = Tracia()
    stream = client.run_local(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Write a long essay"}],
        stream=True,
        base_url=openai_server.url + "/s/long/200000/v1",
    )
    received = ""
    for chunk in stream:
        received += chunk
        if len(received) > 500:
            stream.abort()
    result = stream.result.result()
    assert result.aborted is True
    assert 500 < len(received) < 520
    # The result holds everything the model sent before the abort, which starts with what was read.
    assert result.text.startswith(received)
    assert len(result.text) < 200000 * 6
    client.close()


def test_early_break_without_abort_still_resolves_result():
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "one two three four"}], stream=True)
    for chunk in stream:
        assert chunk == "one "
        break
    result = stream.result.result(timeout=10)
    assert result.text == "one two three four" and not result.aborted
    client.close()


def test_stopping_iteration_early_async_resolves_result():
    async def main():
        client = Tracia()
        stream = await client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "alpha beta gamma"}], stream=True)
        async for chunk in stream:
            break
        result = await asyncio.wait_for(stream.result, 10)
        await client.aclose()
        return result

    assert asyncio.run(main()).text == "alpha beta gamma"


def test_abort_from_another_thread_while_blocked(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                              base_url=openai_server.url + "/s/slow/v1")
    timer = threading.Timer(0.3, stream.abort)
    start = time.monotonic()
    timer.start()
    count = sum(1 for _ in stream)
    elapsed = time.monotonic() - start
    assert 0.25 < elapsed < 1.0
    assert count > 3
    assert stream.result.result().aborted
    client.close()


def test_failure_mid_stream_raises_from_iteration_and_result(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "kept part of it"}], stream=True,
                              base_url=openai_server.url + "/s/drop-mid/v1")
    seen = []
    with pytest.raises(TraciaError) as raised:
        for chunk in stream:
            seen.append(chunk)
    assert raised.value.code == TraciaErrorCode.NETWORK_ERROR
    assert seen == ["kept ", "part "]
    with pytest.raises(TraciaError) as from_result:
        stream.result.result()
    assert from_result.value.code == TraciaErrorCode.NETWORK_ERROR
    client.close()


def test_failure_mid_stream_async(openai_server):
    async def main():
        client = Tracia()
        stream = await client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "x y z"}], stream=True,
                                         base_url=openai_server.url + "/s/midstream-error/v1")
        with pytest.raises(TraciaError) as raised:
            async for _ in stream:
                pass
        assert raised.value.code == TraciaErrorCode.PROVIDER_ERROR
        with pytest.raises(TraciaError):
            await stream.result
        await client.aclose()

    asyncio.run(main())


def test_two_hundred_concurrent_async_streams():
    async def one(client, i):
        stream = await client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": f"stream number {i}"}],
                                         stream=True)
        text = "".join([chunk async for chunk in stream])
        result = await stream.result
        return i, text, result.text

    async def main():
        client = Tracia()
        results = await asyncio.gather(*(one(client, i) for i in range(200)))
        await client.aclose()
        return results

    threads_before = threading.active_count()
    results = asyncio.run(main())
    assert threading.active_count() - threads_before <= 1
    for i, text, final in results:
        assert text == final == f"stream number {i}"


def test_stream_consumed_twice_is_an_error():
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "once"}], stream=True)
    list(stream)
    with pytest.raises(RuntimeError):
        list(stream)
    client.close()


def test_time_to_first_token_and_complete_usage():
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "first token"}], stream=True)
    assert "".join(stream) == "first token"
    result = stream.result.result()
    assert isinstance(result.time_to_first_token_ms, int)
    assert 0 <= result.time_to_first_token_ms <= result.latency_ms
    assert result.usage_complete is True and result.usage.output_tokens == 2
    client.close()


def test_usage_after_an_abort_is_the_best_known(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "one two three"}], stream=True,
                              base_url=openai_server.url + "/s/text/hold/v1")
    chunks = iter(stream)
    assert [next(chunks) for _ in range(3)] == ["one ", "two ", "three"]
    stream.abort()
    result = stream.result.result()
    # The usage chunk never came: one output token a delta, no input count.
    assert result.aborted and result.usage_complete is False
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.total_tokens) == (0, 3, 3)
    client.close()


def test_keep_alives_without_content_hit_first_chunk_timeout_ms(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}], stream=True,
                              base_url=openai_server.url + "/s/keepalive/v1", first_chunk_timeout_ms=300)
    with pytest.raises(TraciaError) as failure:
        list(stream)
    assert failure.value.code == TraciaErrorCode.TIMEOUT and "first_chunk_timeout_ms" in str(failure.value)
    client.close()
