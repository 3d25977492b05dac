"""Input read strictly: regular files only, JSON without duplicate keys, text UTF-8 can carry.

A FIFO named as a profile, or saved among the rule files, blocks a reader for
ever; a device such as /dev/zero never ends. So a file is refused by what it
is before it is opened, checked again on the open descriptor (it may have been
swapped in between), and its size is counted while it is read: `stat` says
nothing true about a device or a file still growing.

JSON keeps the last of two equal keys without a word, where YAML is refused
(`loader`); here the duplicate is refused with its path. Nesting is bounded as
in YAML, and a document too deep for the parser itself is refused, not a
`RecursionError`. A JSON string may spell a lone surrogate (`"\\udfff"`), which
no UTF-8 text can carry: `unencodable` finds each such text by its path.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "InputRefused",
    "JsonPath",
    "json_path",
    "parse_json",
    "read_regular_file",
    "shown",
    "unencodable",
]

#: how deep a document (YAML or JSON) may nest
MAX_DEPTH = 40

JsonPath = tuple[str | int, ...]

_CHUNK = 1 << 16
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO swapped in after the check must not block
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class InputRefused(ValueError):
    """Input that is not read: what is wrong, a stable code, and where (a JSON path)."""

    def __init__(
        self, message: str, code: str, path: JsonPath = (), suggestion: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path
        self.suggestion = suggestion


def read_regular_file(path: Path, limit: int) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes; `InputRefused` otherwise."""
    try:
        _refuse_unless_regular(os.stat(path).st_mode)
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputRefused(f"cannot read: {exc.strerror}", "unreadable") from None
    try:
        _refuse_unless_regular(os.fstat(descriptor).st_mode)
        data = _read_at_most(descriptor, limit)
    except OSError as exc:
        raise InputRefused(f"cannot read: {exc.strerror}", "unreadable") from None
    finally:
        os.close(descriptor)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        raise InputRefused(message, "encoding", suggestion="save the file as UTF-8") from None


def _refuse_unless_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise InputRefused(f"{kind}, not a regular file: only regular files are read", "not-a-file")


def _read_at_most(descriptor: int, limit: int) -> bytes:
    if hasattr(os, "O_NONBLOCK"):
        os.set_blocking(descriptor, True)
    chunks: list[bytes] = []
    size = 0
    while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise InputRefused(f"larger than the {limit} bytes allowed", "file-too-large")
        chunks.append(chunk)
    return b"".join(chunks)


class _Duplicated(dict[str, Any]):
    """An object in which a key was given twice; the keys so given are in `.twice`."""

    twice: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _Duplicated(result)
    marked.twice = []
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.twice.append(key)
        seen.add(key)
    return marked


def parse_json(text: str, *, constants: bool = False) -> Any:
    """Plain data from JSON text; `InputRefused` for a syntax error, a key given twice, or
    nesting deeper than `MAX_DEPTH`. NaN and Infinity are read only with `constants`."""
    duplicated: list[_Duplicated] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = _object(pairs)
        if isinstance(result, _Duplicated):
            duplicated.append(result)
        return result

    try:
        data = json.loads(
            text, object_pairs_hook=pairs_hook, parse_constant=None if constants else _constant
        )
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise InputRefused(message, "json-syntax") from None
    except RecursionError:
        raise InputRefused(f"nested more than {MAX_DEPTH} levels deep", "too-deep") from None
    except ValueError as exc:  # an integer of more than 4,300 digits; NaN without `constants`
        raise InputRefused(f"invalid JSON: {str(exc)[:200]}", "json-syntax") from None
    if not duplicated and (text.count("{") + text.count("[") <= MAX_DEPTH or _shallow(data)):
        return data  # nothing to find: the paths need not be walked
    for path, node in _nodes(data):
        if len(path) > MAX_DEPTH:
            raise InputRefused(f"nested more than {MAX_DEPTH} levels deep", "too-deep", path)
        if isinstance(node, _Duplicated):
            key = node.twice[0]
            raise InputRefused(
                f'duplicate key "{shown(key)}"',
                "duplicate-key",
                (*path, key),
                "give each key once: JSON readers differ on which one they keep",
            )
    return data


def _shallow(data: Any) -> bool:
    """Whether `data` nests at most `MAX_DEPTH` deep; fast, keeping no paths."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, dict):
            pending.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            pending.extend((value, depth + 1) for value in node)
    return True


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a profile can carry")


def _nodes(data: Any) -> Iterator[tuple[JsonPath, Any]]:
    """Every value with its path, parents first; iterative, so depth costs no stack."""
    pending: list[tuple[JsonPath, Any]] = [((), data)]
    while pending:
        path, node = pending.pop()
        yield path, node
        if isinstance(node, dict):
            pending.extend(((*path, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            pending.extend(
                ((*path, index), value) for index, value in reversed(list(enumerate(node)))
            )


def unencodable(data: Any) -> list[JsonPath]:
    """The path of every key or text that UTF-8 cannot encode (a lone surrogate)."""
    if _all_encodable(data):
        return []
    found: list[JsonPath] = []
    for path, node in _nodes(data):
        if isinstance(node, str) and not _encodes(node):
            found.append(path)
        elif isinstance(node, dict):
            found += [(*path, key) for key in node if isinstance(key, str) and not _encodes(key)]
    return found


def _all_encodable(data: Any) -> bool:
    """`unencodable(data) == []`, found fast: no paths, and ASCII text is not encoded."""
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if not (node.isascii() or _encodes(node)):
                return False
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and not (key.isascii() or _encodes(key)):
                    return False
                pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str) -> str:
    """Text fit for a message: control characters and lone surrogates escaped (\\n, \\udfff)."""
    if text.isprintable() and _encodes(text):
        return text
    return "".join(
        char if char.isprintable() and _encodes(char) else json.dumps(char)[1:-1] for char in text
    )


def json_path(path: JsonPath) -> str:
    """A path as problems show it: `$`, `indicators.gti.score`, `profiles[0].notes`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + shown(part)
    return text or "$"
