"""Build errors that point at a file and a line."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path

# Control characters are not text: HTML forbids them, and a NUL would be copied into pages as it is.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class BuildError:
    """One problem with the input, reported as `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class BuildFailed(Exception):
    """Raised with every error of one build, so they are reported together."""

    def __init__(self, errors: list[BuildError]) -> None:
        self.errors = sort_errors(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def sort_errors(errors: list[BuildError]) -> list[BuildError]:
    """Return errors without repeats, by file, then line (errors without a line first), then message."""
    return sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.message))


def display_path(path: Path, root: Path) -> str:
    """Return `path` relative to the project root when it is inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def line_of(text: str, needle: str, offset_line: int = 1) -> int | None:
    """Return the 1-based line of the first `needle` in `text`, shifted by `offset_line - 1`."""
    index = text.find(needle)
    if index < 0:
        return None
    return text.count("\n", 0, index) + offset_line


def raise_if(errors: list[BuildError]) -> None:
    """Raise BuildFailed when there is at least one error."""
    if errors:
        raise BuildFailed(errors)


def decode_utf8(data: bytes, path: str) -> str:
    """Decode file bytes as UTF-8 (a leading BOM is dropped); raise BuildFailed at the bad byte's line.

    Control characters other than tab, newline, carriage return and form feed are refused too.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        raise BuildFailed([BuildError(path, line, message)]) from None
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        message = f"control character U+{ord(bad.group()):04X} is not text; remove it (it may be invisible in an editor)"
        raise BuildFailed([BuildError(path, line, message)])
    return text


def unexpected_error(exc: BaseException) -> BuildError:
    """Return an exception no check foresaw as a BuildError at the generator's line that raised it."""
    package = str(Path(__file__).resolve().parent)
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename and str(Path(frame.filename).resolve()).startswith(package)]
    where, line = ("microsite", None)
    if frames:
        where = "microsite/" + Path(frames[-1].filename).resolve().relative_to(package).as_posix()
        line = frames[-1].lineno
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return BuildError(where, line, f"unexpected {type(exc).__name__}{': ' + detail if detail else ''} "
                                   "(a bug in the generator, or input it does not check yet)")
