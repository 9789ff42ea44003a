"""Streams a model's answer to an HTTP client as it arrives, with Starlette and arun_local.

    pip install tracia starlette uvicorn
    uvicorn starlette_stream:app          # then: curl -N 'localhost:8000/chat?q=Hello'

The span of every request is recorded in the background; no thread is used per stream.
"""
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from tracia import Tracia, TraciaError

client = Tracia()
MODEL = os.environ.get("CHAT_MODEL", "gpt-4o-mini")


async def chat(request: Request):
    question = request.query_params.get("q", "Hello!")
    try:
        stream = await client.arun_local(model=MODEL, messages=[{"role": "user", "content": question}], stream=True)
    except TraciaError as error:
        return JSONResponse({"error": error.code.value, "message": error.message}, status_code=400)

    async def body():
        # Leaving the block frees the call, aborting it if the answer was not sent to its end.
        async with stream:
            async for chunk in stream:
                yield chunk

    return StreamingResponse(body(), media_type="text/plain", headers={"X-Span-Id": stream.span_id})


app = Starlette(routes=[Route("/chat", chat)])
