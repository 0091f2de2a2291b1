"""Where each resource comes from: the stack-config line that produced it, else the program's line.

The SDK sends every RegisterResource a source position, taken from a full stack trace that costs
more than the gate's whole capture (1.7 s of a 1,000-key program). `Locator.stack_trace` stands in
for it during a run: the config entry the program registers the resource in (`kmsguard.origin`),
placed in the stack file, or else the innermost frame of the program's own code (inside the project,
outside installed packages and kmsguard), found by walking the frames with one cached test per file.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlparse

from pulumi.runtime.proto import source_pb2

import kmsguard
import kmsguard.gate
import kmsguard.policies
from kmsguard.origin import current_origin
from kmsguard.stackfile import StackFile, StackFileError, shown_path


@dataclass(frozen=True)
class Location:
    """A resource's place in the files a reviewer changes; line and column count from 1 (column 0:
    not known)."""

    path: Path
    line: int
    column: int = 0
    #: The config key path, for a resource produced by stack configuration.
    config_key: str = ""

    def shown(self, root: Path | None = None) -> str:
        where = f"{shown_path(self.path, root)}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where} ({self.config_key})" if self.config_key else where


class Locator:
    """The source positions of one program run."""

    def __init__(self, project_dir: Path, project_name: str, stack_file: Path) -> None:
        self._root = str(project_dir) + os.sep
        self._own: dict[str, str | None] = {}  # file → its URI when it is the program's, else None
        self._origins: dict[str, source_pb2.StackTrace] = {}
        self._traces: dict[tuple[str, int], source_pb2.StackTrace] = {}
        #: (uri, line, column) → the config key path placed there.
        self.config_keys: dict[tuple[str, int, int], str] = {}
        self._locations: dict[tuple[str, int, int], Location] = {}
        self._stack_file: StackFile | None = None
        # The gate has read it already; a file without positions only costs the config lines.
        with suppress(OSError, StackFileError):
            self._stack_file = StackFile.read(stack_file, project_name)
        self._empty = source_pb2.StackTrace()

    def stack_trace(self) -> source_pb2.StackTrace:
        """The SDK's `_get_stack_trace`, cut to the one frame it sends as the source position."""
        origin = current_origin()
        if origin is not None and self._stack_file is not None:
            found = self._origins.get(origin)
            if found is None:
                found = self._origins[origin] = self._at_origin(origin)
            return found
        frame: FrameType | None = sys._getframe(1)
        inner: FrameType | None = None
        own = self._own
        while frame is not None:
            filename = frame.f_code.co_filename
            uri = own[filename] if filename in own else self._classify(filename)
            if uri is not None and not _constructs_itself(frame, inner):
                line = frame.f_lineno
                trace = self._traces.get((uri, line))
                if trace is None:  # a loop registers from the same line over and over
                    position = source_pb2.SourcePosition(uri=uri, line=line)
                    trace = self._traces[(uri, line)] = source_pb2.StackTrace(
                        frames=[source_pb2.StackFrame(pc=position)]
                    )
                return trace
            inner, frame = frame, frame.f_back
        return self._empty

    def _classify(self, filename: str) -> str | None:
        uri = Path(filename).as_uri() if programs_own(filename, self._root) else None
        self._own[filename] = uri
        return uri

    def _at_origin(self, origin: str) -> source_pb2.StackTrace:
        assert self._stack_file is not None
        position = self._stack_file.position(origin)
        uri = position.path.resolve().as_uri()
        self.config_keys.setdefault((uri, position.line, position.column), origin)
        pc = source_pb2.SourcePosition(uri=uri, line=position.line, column=position.column)
        return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=pc)])

    def location(self, position: source_pb2.SourcePosition) -> Location | None:
        """The location a RegisterResource request's source position names, if any."""
        if not position.uri:
            return None
        key = (position.uri, position.line, position.column)
        found = self._locations.get(key)
        if found is None:
            path = Path(unquote(urlparse(position.uri).path))
            found = Location(path, position.line, position.column, self.config_keys.get(key, ""))
            self._locations[key] = found
        return found


def programs_own(filename: str, root: str) -> bool:
    """Whether `filename` is the program's own code: inside the project directory `root` (ending
    with a separator), outside any installed package (a virtualenv inside the project included)
    and outside kmsguard (in this repository, folders of the project)."""
    return (
        filename.startswith(root)
        and not filename.startswith(_library_dirs())
        and not any(part in filename for part in _INSTALLED)
    )


_INSTALLED = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}", f"{os.sep}.venv{os.sep}")


@cache
def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    found = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    for package in (kmsguard, kmsguard.gate, kmsguard.policies):
        found |= {str(Path(p).resolve()) for p in package.__path__}
    return tuple(p.rstrip(os.sep) + os.sep for p in found)


def _constructs_itself(frame: FrameType, inner: FrameType | None) -> bool:
    """Whether `frame` is a program's own component registering itself (`super().__init__(...)`
    in its constructor): the line that matters is the one that created the component, further out."""
    if frame.f_code.co_name != "__init__" or inner is None or inner.f_code.co_name != "__init__":
        return False
    this = frame.f_locals.get("self")
    return this is not None and inner.f_locals.get("self") is this
