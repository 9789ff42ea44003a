"""Run by wheel-test.sh under each interpreter, with only the installed wheel: the bundled
library loads, a streamed call and a model round trip work, and every name the official SDK
exports imports (read from its source in build/official-tracia when it is there)."""
import ast
import os
import sys
import warnings

import tracia

root = sys.argv[1]
assert os.path.dirname(tracia.__file__) != os.path.join(root, "bindings", "python", "tracia"), "not the installed wheel"
with tracia.Tracia(spans_file=os.devnull) as client:
    stream = client.run_local(model="mock/x", messages=[{"role": "user", "content": "hello from the wheel"}], stream=True,
                              trace_id="any trace")
    assert "".join(stream) == "hello from the wheel"
    result = stream.result.result(10)
    assert result.trace_id == "any trace" and not result.aborted
    again = tracia.StreamResult.model_validate_json(result.model_dump_json(by_alias=True))
    assert again.model_dump() == result.model_dump()
official = os.path.join(root, "build", "official-tracia", "tracia", "__init__.py")
if os.path.exists(official):
    tree = ast.parse(open(official).read())
    names = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                 and any(getattr(t, "id", None) == "__all__" for t in n.targets))
    missing = [n for n in names if not hasattr(tracia, n)]
    assert not missing, missing
with warnings.catch_warnings():
    warnings.simplefilter("error")
    from tracia import RunLocalInput, SDK_VERSION  # noqa: F401
print("ok", sys.version.split()[0], tracia.__version__)
