"""Builds libtracia.so with the Swift toolchain (make build at the repository root) and ships
it inside the package, so the wheel needs no toolchain where it is installed."""
import os
import re
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70.1 has it in the wheel package
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def version():
    """The version written once, in include/tracia.h; an sdist keeps it in its PKG-INFO."""
    header = os.path.join(ROOT, "include", "tracia.h")
    if not os.path.exists(header):
        with open(os.path.join(HERE, "PKG-INFO")) as info:
            return re.search(r"^Version: (\S+)$", info.read(), re.M).group(1)
    with open(header) as text:
        source = text.read()
    parts = (re.search(rf"^#define TRACIA_VERSION_{part} (\d+)$", source, re.M).group(1) for part in ("MAJOR", "MINOR", "PATCH"))
    return ".".join(parts)


def progress(line):
    """What the build is doing, where a person sees it: pip keeps a build's output until it
    fails (or -v), so a terminal, when there is one, gets the lines too."""
    sys.stderr.write(line)
    sys.stderr.flush()
    if not sys.stderr.isatty() and _TTY is not None:
        _TTY.write(line)
        _TTY.flush()


try:
    _TTY = open("/dev/tty", "w")
except OSError:
    _TTY = None


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = os.environ.get("TRACIA_LIBRARY")
        if library:
            progress(f"tracia: bundling {library} (TRACIA_LIBRARY)\n")
        else:
            progress(f"tracia: building libtracia.so with the Swift toolchain: make -C {ROOT} build "
                     "(minutes the first time)\n")
            make = subprocess.Popen(["make", "-C", ROOT, "build"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, errors="replace")
            for line in make.stdout:
                progress("  " + line)
            if make.wait() != 0:
                raise SystemExit(f"tracia: make -C {ROOT} build failed (exit {make.returncode})")
            library = os.path.join(ROOT, "build", "lib", "libtracia.so")
        target = os.path.join(self.build_lib, "tracia", "libtracia.so")
        shutil.copyfile(os.path.realpath(library), target)


class BinaryDistribution(Distribution):
    """The package carries a native library, so it is installed as a platform's package."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """py3-none-<platform>: the library is loaded with ctypes, no extension module, so one wheel
    serves every CPython 3 (and PyPy) of the platform."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return "py3", "none", super().get_tag()[2]


setup(version=version(), cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel},
      distclass=BinaryDistribution)
