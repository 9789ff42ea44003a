"""Install and packaging: versions agree everywhere; the wheel bundles the library and works
where there is no Swift toolchain."""
import json
import os
import re
import subprocess
import sys
import venv

import fake_openai
import pytest
import readme_block
from conftest import CLI, ROOT


def header_version():
    """The version as include/tracia.h writes it, the one place it is written."""
    header = open(os.path.join(ROOT, "include", "tracia.h")).read()
    numbers = (re.search(rf"^#define TRACIA_VERSION_{p} (\d+)$", header, re.M).group(1) for p in ("MAJOR", "MINOR", "PATCH"))
    return tuple(int(n) for n in numbers)


def test_versions_agree(library):
    major, minor, patch = header_version()
    string = f"{major}.{minor}.{patch}"
    # The library (TraciaVersion in Swift) and the CLI.
    library.lib.tracia_version.restype = __import__("ctypes").c_char_p
    assert library.lib.tracia_version().decode() == string
    assert library.lib.tracia_version_number() == major * 10000 + minor * 100 + patch
    cli = subprocess.run([CLI, "--version"], capture_output=True, text=True, check=True).stdout
    assert cli.strip() == string
    # The build reads the header: its VERSION and the library file it names.
    make = subprocess.run(["make", "-s", "-C", ROOT, "version"], capture_output=True, text=True, check=True).stdout
    assert make.strip() == string
    assert os.path.realpath(os.path.join(ROOT, "build", "lib", "libtracia.so")).endswith(f"libtracia.so.{string}")
    # The Python package takes it from the header too (its wheel's name is checked below).
    pyproject = open(os.path.join(ROOT, "bindings", "python", "pyproject.toml")).read()
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.M) and not re.search(r"^version =", pyproject, re.M)


def test_make_install_lays_out_library_header_pkgconfig_and_cli(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["make", "-s", "-C", ROOT, "install", f"PREFIX={prefix}"], check=True, capture_output=True)
    lib = prefix / "lib"
    assert (lib / "libtracia.so.0").resolve() == (lib / "libtracia.so").resolve()
    assert (prefix / "include" / "tracia.h").exists() and (prefix / "bin" / "tracia").exists()
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "tracia"], env=dict(os.environ, PKG_CONFIG_PATH=str(lib / "pkgconfig")),
                        capture_output=True, text=True, check=True).stdout
    assert f"-I{prefix}/include" in pc and f"-L{lib}" in pc and "-ltracia" in pc
    modversion = subprocess.run(["pkg-config", "--modversion", "tracia"], env=dict(os.environ, PKG_CONFIG_PATH=str(lib / "pkgconfig")),
                                capture_output=True, text=True, check=True).stdout
    assert modversion.strip() == "%d.%d.%d" % header_version()
    soname = subprocess.run(["readelf", "-d", str(lib / "libtracia.so")], capture_output=True, text=True).stdout
    assert "libtracia.so.0" in soname


def test_wheel_installs_and_works_without_the_toolchain(tmp_path):
    wheels = tmp_path / "wheels"
    env = dict(os.environ, TRACIA_LIBRARY=os.path.join(ROOT, "build", "lib", "libtracia.so"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                    os.path.join(ROOT, "bindings", "python")], check=True, env=env, capture_output=True)
    wheel = next(wheels.glob("tracia-*.whl"))
    assert wheel.name.startswith("tracia-%d.%d.%d-" % header_version())
    assert "linux" in wheel.name  # a platform wheel: it carries a native library
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = str(target / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", str(wheel)], check=True, capture_output=True)
    # No toolchain, no repository: only the installed package and the system's libcurl and jansson.
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TRACIA_SPANS_FILE": str(tmp_path / "spans.jsonl")}
    script = ("import tracia; c = tracia.Tracia(); s = c.run_local(model='mock/x', "
              "messages=[{'role': 'user', 'content': 'from the wheel'}], stream=True); "
              "print(''.join(s)); print(tracia._ffi.lib._name); c.close()")
    out = subprocess.run([python, "-c", script], env=clean, capture_output=True, text=True, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    text, library = out.stdout.splitlines()
    assert text == "from the wheel"
    assert library.startswith(str(target)) and library.endswith("tracia/libtracia.so")


def needed(binary):
    """The NEEDED entries of an ELF file, by name without the .so suffix (libz.so.1 -> libz)."""
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    return {re.sub(r"\.so(\.\d+)*$", "", name) for name in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)}


def pc_libraries(pc_file):
    """What tracia.pc says the library links beyond itself: Requires.private's packages, as
    pkg-config gives their -l flags, and Libs.private's -l flags."""
    fields = dict(re.findall(r"^([\w.]+):\s*(.*)$", open(pc_file).read(), re.M))
    flags = fields.get("Libs.private", "").split()
    for package in fields.get("Requires.private", "").split():
        flags += subprocess.run(["pkg-config", "--libs-only-l", package], capture_output=True, text=True, check=True).stdout.split()
    return {"lib" + flag[2:] for flag in flags if flag.startswith("-l")}


def test_library_needs_what_tracia_pc_and_the_readme_say(tmp_path):
    library = os.path.realpath(os.path.join(ROOT, "build", "lib", "libtracia.so"))
    linked = needed(library)
    # Every program links the C library and its loader; pkg-config files never list them.
    runtime = {name for name in linked if name == "libc" or name.startswith("ld-linux")}
    subprocess.run(["make", "-s", "-C", ROOT, "install", f"DESTDIR={tmp_path}/root", "PREFIX=/p"], check=True, capture_output=True)
    pc = tmp_path / "root" / "p" / "lib" / "pkgconfig" / "tracia.pc"
    assert pc_libraries(pc) == linked - runtime
    readme = open(os.path.join(ROOT, "README.md")).read()
    sentence = re.search(r"it needs only ((?:`[^`]+`(?:,\s+|\s+and\s+)?)+)", readme)
    assert sentence, "README.md no longer says which libraries libtracia.so needs"
    assert set(re.findall(r"`([^`]+)`", sentence.group(1))) == linked - {n for n in runtime if n != "libc"}


def test_cli_carries_the_swift_runtime_and_runs_without_the_toolchain():
    cli = os.path.join(ROOT, "build", "bin", "tracia")
    toolchain = os.path.dirname(os.path.dirname(os.path.realpath(subprocess.run(
        ["sh", "-c", "command -v swift"], capture_output=True, text=True, check=True).stdout.strip())))
    assert not {name for name in needed(cli) if name.startswith("libswift") or name in ("libdispatch", "libFoundation")}
    dynamic = subprocess.run(["readelf", "-d", cli], capture_output=True, text=True, check=True).stdout
    run_paths = re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library r\w*path: \[([^\]]*)\]", dynamic)
    assert not [p for p in ":".join(run_paths).split(":") if p.startswith(toolchain)], run_paths
    resolved = subprocess.run(["ldd", cli], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in resolved and toolchain not in resolved and "not found" not in resolved, resolved


def readme_shell(block_name, work, env, namespace_setup=""):
    """Runs a README block as written, in one shell: its `make` lines in the clone (where the
    Makefile is), its other lines in `work` (where haiku.c was saved). `sk-...` is the README's
    stand-in for the reader's key: the fake server's own key is given in its place."""
    script = ["set -e", namespace_setup]
    for line in readme_block.block(block_name).splitlines():
        where = ROOT if line.startswith("make ") else str(work)
        script += [f"cd '{where}'", line.replace("sk-...", fake_openai.API_KEY)]
    command = ["bash", "-c", "\n".join(script)]
    if namespace_setup:
        command = ["unshare", "--mount", "--propagation", "private"] + command
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def reader_environment(tmp_path, openai_server):
    """A new shell of the reader's: no search paths set, spans to a file, the provider faked."""
    env = {k: v for k, v in os.environ.items() if k not in ("PKG_CONFIG_PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH")}
    env.update(OPENAI_BASE_URL=openai_server.url + "/v1", OPENAI_API_KEY="", TRACIA_API_KEY="",
               TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"))
    return env


def assert_haiku_ran(out, tmp_path, openai_server):
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    span = [i for i, line in enumerate(lines) if re.fullmatch(r"span sp_[0-9a-f]{16}", line)]
    assert span, out.stdout
    # The chunks and their newline, then the result JSON that puts() writes.
    streamed = lines[span[-1] + 1]
    result = json.loads(lines[span[-1] + 2])
    assert streamed == "Write a haiku about C." and result["text"] == streamed
    assert "error" not in result and result["span_id"] == lines[span[-1]].split()[1]
    request = [r for r in openai_server.requests if r["body"] and r["body"]["messages"][-1]["content"] == "Write a haiku about C."][-1]
    assert request["headers"]["Authorization"] == "Bearer " + fake_openai.API_KEY
    assert json.loads((tmp_path / "spans.jsonl").read_text().splitlines()[-1])["spanId"] == result["span_id"]


def save_haiku(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "haiku.c").write_text(readme_block.block("haiku.c"))
    return work


def test_readme_c_quick_start_in_a_prefix_of_ones_own(tmp_path, openai_server):
    work = save_haiku(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(reader_environment(tmp_path, openai_server), HOME=str(home))
    out = readme_shell("install-prefix", work, env)
    assert_haiku_ran(out, tmp_path, openai_server)
    assert (home / ".local" / "lib" / "libtracia.so.0").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="installs into /usr/local as the README says, which needs root")
def test_readme_c_quick_start_in_the_system_prefix(tmp_path, openai_server):
    # /usr/local and /etc (where ldconfig writes its cache) are overlays in a mount namespace of
    # the test's own: the commands install for real, and nothing reaches the machine's copies.
    for layer in ("usr-local", "etc"):
        for part in ("upper", "work"):
            (tmp_path / layer / part).mkdir(parents=True)
    overlay = "mount -t overlay overlay -o lowerdir={0},upperdir={1}/upper,workdir={1}/work {0}"
    setup = "\n".join([overlay.format("/usr/local", tmp_path / "usr-local"), overlay.format("/etc", tmp_path / "etc")])
    work = save_haiku(tmp_path)
    installed = "/usr/local/lib/libtracia.so.%d.%d.%d" % header_version()
    machine_copy = os.path.lexists(installed) and os.stat(installed)
    out = readme_shell("install-system", work, reader_environment(tmp_path, openai_server), namespace_setup=setup)
    assert_haiku_ran(out, tmp_path, openai_server)
    assert "ldconfig" in out.stdout.splitlines()
    assert (tmp_path / "usr-local" / "upper" / "lib" / "libtracia.so.0").is_symlink()
    assert (os.path.lexists(installed) and os.stat(installed)) == machine_copy, "the install reached the machine's /usr/local"
