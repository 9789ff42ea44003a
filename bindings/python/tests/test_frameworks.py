"""The binding inside web frameworks: Starlette's StreamingResponse with arun_local (the example
in examples/python), and Django's StreamingHttpResponse with run_local."""
import importlib.util
import os
import time

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "python", "starlette_stream.py")


def test_starlette_example_streams_the_answer():
    from starlette.testclient import TestClient

    spec = importlib.util.spec_from_file_location("starlette_stream", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    with TestClient(example.app) as http:
        response = http.get("/chat", params={"q": "streamed through starlette"})
        assert response.status_code == 200
        assert response.text == "streamed through starlette"
        assert response.headers["x-span-id"].startswith("sp_")
        bad = http.get("/chat", params={"q": ""})  # an empty message is still valid input
        assert bad.status_code == 200
    example.client.close()


def django_client():
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=True, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECRET_KEY="test",
                           MIDDLEWARE=[], INSTALLED_APPS=[])
        django.setup()
    from django.test import Client

    return Client()


def test_django_streaming_http_response():
    response = django_client().get("/chat", {"q": "streamed through django"})
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == b"streamed through django"


def test_django_closing_the_response_aborts_the_call(monkeypatch, openai_server):
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url + "/s/slow/django-closed/v1")
    response = django_client().get("/chat", {"q": "a long answer"})
    chunks = iter(response.streaming_content)
    next(chunks)
    # What the server does once the client has gone: it closes the response, which closes the
    # generator, and with it goes the stream's last reference.
    response.close()
    del chunks
    deadline = time.monotonic() + 5
    while not [c for c in openai_server.closed if "django-closed" in c["path"]] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [c for c in openai_server.closed if "django-closed" in c["path"]], "the provider call went on"


def chat_view(request):
    from django.http import StreamingHttpResponse

    from tracia import Tracia

    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": request.GET["q"]}], stream=True)

    def generate():
        for chunk in stream:
            yield chunk
        client.close()

    return StreamingHttpResponse(generate(), content_type="text/plain")


def _urlpatterns():
    try:
        from django.urls import path
    except ImportError:  # pragma: no cover - Django is installed by run-tests.sh
        return []
    return [path("chat", chat_view)]


urlpatterns = _urlpatterns()
