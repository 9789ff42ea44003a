"""Finds and loads libtracia.so: $TRACIA_LIBRARY, the copy inside this package, the
repository's build folder, then the system's library path."""
from __future__ import annotations

import ctypes
import ctypes.util
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
    system = ctypes.util.find_library("tracia")
    if system:
        paths.append(system)
    return paths


def load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
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
