"""Images and documents through the binding: the part classes, plain dicts in OpenAI's shape, the
request the provider gets, the span (which never holds the bytes) and refusals."""
import base64
import json

import pytest

from tracia import DocumentPart, ImagePart, LocalPromptMessage, TextPart, Tracia, TraciaError, TraciaErrorCode

PNG = base64.b64encode(bytes(range(200))).decode()
PDF = base64.b64encode(b"%PDF-1.4").decode()
ANSWER = "image image/png 200 bytes, document application/pdf 8 bytes"


def last_body(server, fragment):
    return [r for r in server.requests if fragment in r["path"]][-1]["body"]


def test_image_and_document_parts(openai_server, spans_file):
    client = Tracia()
    message = LocalPromptMessage(role="user", content=[
        TextPart(text="Describe"), ImagePart(data=PNG, media_type="image/png", detail="low"),
        DocumentPart(data=PDF, media_type="application/pdf", filename="q3.pdf")])
    result = client.run_local(model="gpt-4o", messages=[message], base_url=openai_server.url + "/s/describe/py-parts/v1")
    assert result.text == ANSWER
    content = last_body(openai_server, "/py-parts/")["messages"][0]["content"]
    assert content[1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG, "detail": "low"}}
    assert content[2] == {"type": "file", "file": {"filename": "q3.pdf", "file_data": "data:application/pdf;base64," + PDF}}
    client.flush()
    span = json.loads(spans_file.read_text())
    assert span["input"]["messages"][0]["content"][1] == {"type": "image", "mediaType": "image/png", "sizeBytes": 200,
                                                          "detail": "low"}
    assert PNG[:40] not in spans_file.read_text() and PDF not in spans_file.read_text()
    client.close()


def test_openai_shaped_dicts_and_urls_pass_through(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", stream=True, base_url=openai_server.url + "/s/describe/py-dicts/v1",
                              messages=[{"role": "user", "content": [
                                  {"type": "text", "text": "Describe"},
                                  {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG}},
                                  {"type": "file", "file": {"file_data": "data:application/pdf;base64," + PDF, "filename": "a.pdf"}},
                                  ImagePart(url="https://x.test/cat.png")]}])
    assert "".join(stream) == ANSWER + ", image https://x.test/cat.png"
    client.close()


def test_a_part_the_provider_cannot_take_raises_at_once():
    client = Tracia()
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": [DocumentPart(url="https://x.test/a.pdf")]}])
    assert raised.value.code == TraciaErrorCode.INVALID_REQUEST
    assert "OpenAI Chat takes a document as base64 data or a file_id" in str(raised.value)
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": [ImagePart(data="not base64", media_type="image/png")]}])
    assert raised.value.code == TraciaErrorCode.INVALID_REQUEST and "is not base64" in str(raised.value)
    client.close()
