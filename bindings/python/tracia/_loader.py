"""Finds and loads libtracia.so: $TRACIA_LIBRARY, the copy inside this package, the
repository's build folder, then the system's library path."""
from __future__ import annotations

import ctypes
import os

REQUIRED_MAJOR = 0
MINIMUM_VERSION = 100  # 0.1.0


def _candidates() -> list[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    paths = []
    override = os.environ.get("TRACIA_LIBRARY")
    if override:
        return [override]
    paths.append(os.path.join(here, "libtracia.so"))
    repo_build = os.path.normpath(os.path.join(here, "..", "..", "..", "build", "lib", "libtracia.so"))
    paths.append(repo_build)
    return paths


def _system_library() -> list[str]:
    """The system's copy, looked up last: find_library runs ldconfig and a compiler."""
    import ctypes.util

    system = ctypes.util.find_library("tracia")
    return [system] if system else []


def load() -> ctypes.CDLL:
    tried: list[str] = []
    for path in _candidates() + ["<system>"]:
        if path == "<system>":
            if os.environ.get("TRACIA_LIBRARY"):
                break
            found = _system_library()
            if not found:
                tried.append("the system's library path (not found)")
                break
            path = found[0]
        if os.path.sep in path and not os.path.exists(path):
            tried.append(f"{path} (not found)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
            continue
        lib.tracia_version_number.restype = ctypes.c_int
        version = lib.tracia_version_number()
        if version // 10000 != REQUIRED_MAJOR or version < MINIMUM_VERSION:
            tried.append(f"{path} (version {version}, need {REQUIRED_MAJOR}.x >= {MINIMUM_VERSION})")
            continue
        return lib
    raise ImportError("libtracia.so could not be loaded; tried:\n  " + "\n  ".join(tried)
                      + "\nSet TRACIA_LIBRARY to the library's path, or reinstall the package.")
