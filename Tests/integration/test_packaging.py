"""Install and packaging: versions agree everywhere; the wheel bundles the library and works
where there is no Swift toolchain."""
import os
import re
import subprocess
import sys
import venv

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
