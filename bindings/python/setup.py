"""Builds libtracia.so with the Swift toolchain (make build at the repository root) and ships
it inside the package, so the wheel needs no toolchain where it is installed."""
import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

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


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = os.environ.get("TRACIA_LIBRARY")
        if not library:
            subprocess.check_call(["make", "-C", ROOT, "build"])
            library = os.path.join(ROOT, "build", "lib", "libtracia.so")
        target = os.path.join(self.build_lib, "tracia", "libtracia.so")
        shutil.copyfile(os.path.realpath(library), target)


class BinaryDistribution(Distribution):
    """The package carries a native library, so its wheel is platform-specific."""

    def has_ext_modules(self):
        return True


setup(version=version(), cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
