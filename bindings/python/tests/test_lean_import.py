"""Cold start: importing tracia and starting a stream stays clear of the heavier standard
modules, and the request encoder that makes that possible writes exactly what json.dumps does."""
import json
import math
import subprocess
import sys

from tracia._encode import dumps


def test_import_and_first_stream_load_no_heavy_modules():
    script = ("import sys, tracia\n"
              "c = tracia.Tracia(spans_file='/dev/null')\n"
              "s = c.run_local(model='mock/x', messages=[{'role': 'user', 'content': 'lean'}], stream=True)\n"
              "assert next(iter(s)) == 'lean'\n"
              "print(' '.join(m for m in ('json', 're', 'typing', 'random', 'concurrent.futures', 'asyncio', 'logging', 'selectors',\n"
              "                           'tracia._prompts', 'tracia._spans', 'tracia._api_types', 'tracia._embeddings') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_encoder_matches_json_dumps():
    values = [
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "h\u00e9llo \u2028 \"q\" \\ \n \t \x00 \U0001f389"}],
         "temperature": 0.1, "max_output_tokens": 10 ** 20, "stream": True, "tools": None, "tags": ("a", "b")},
        {7: "int key", 2.5: "float key", None: "null key", True: "bool key"},
        [], {}, "", -0.0, 1e300, 5e-324, float("nan"), float("inf"), -math.inf, "\ud800",
    ]
    for value in values:
        assert dumps(value) == json.dumps(value)


def test_encoder_rejects_what_json_rejects():
    for value in (object(), {(1, 2): "tuple key"}, {"set": {1}}):
        try:
            json.dumps(value)
        except TypeError:
            pass
        else:
            raise AssertionError("json.dumps accepted it")
        try:
            dumps(value)
        except TypeError:
            continue
        raise AssertionError(f"{value!r} was encoded")
