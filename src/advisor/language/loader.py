"""Safe YAML with node positions.

Rule files and profiles are composed with PyYAML's safe composer and turned
into plain Python values here, keeping the line and column of every value and
every mapping key so that later checks can point at the exact spot.

What is refused, with a located problem rather than an exception:
aliases (``*name``: the alias-bomb vector, and never needed in a rule file),
duplicate mapping keys (YAML silently keeps the last one), non-string keys,
tags other than the plain scalar ones, nesting deeper than `MAX_DEPTH`,
files larger than `MAX_FILE_BYTES`, and anything but a regular file (`reading`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import Location, Problem
from advisor.language.reading import MAX_DEPTH, InputRefused, JsonPath, read_regular_file

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "JsonPath", "SourceDocument", "load_yaml", "parse_yaml"]

MAX_FILE_BYTES = 2_000_000

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"


@dataclass
class SourceDocument:
    """A parsed YAML document: plain data plus where each part of it came from."""

    file: str
    data: Any
    problems: list[Problem] = field(default_factory=list)
    #: the text parsed, to point inside a value (a placeholder in a folded because)
    source: str = field(default="", repr=False)
    _values: dict[JsonPath, Location] = field(default_factory=dict, repr=False)
    _keys: dict[JsonPath, Location] = field(default_factory=dict, repr=False)

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> Location:
        """Where the value (or with `key=True`, the mapping key) at `path` starts.

        Falls back to the nearest enclosing value that has a position, so a
        path that points into a missing field still lands on its parent.
        """
        target: JsonPath = tuple(path)
        if key and target in self._keys:
            return self._keys[target]
        while target:
            if target in self._values:
                return self._values[target]
            target = target[:-1]
        return self._values.get((), Location(self.file, 1, 1))


def load_yaml(path: Path, display: str | None = None) -> SourceDocument:
    """Read and parse one YAML file; problems are collected, never raised.

    Only a regular file is read (a FIFO or a device is refused by name, unopened),
    and its size is counted while reading.
    """
    name = display or str(path)
    try:
        text = read_regular_file(path, MAX_FILE_BYTES)
    except InputRefused as exc:
        where = Location(name) if exc.code in ("unreadable", "not-a-file") else Location(name, 1, 1)
        hint = {
            "not-a-file": "move it out of the rule directory: rule files are regular files",
            "file-too-large": "split it into several files",
        }.get(exc.code, exc.suggestion)
        return SourceDocument(name, None, [Problem(where, exc.message, exc.code, hint)])
    return parse_yaml(text, name)


def parse_yaml(text: str, file: str) -> SourceDocument:
    """Parse YAML text into a `SourceDocument`; problems are collected, never raised."""
    doc = SourceDocument(file, None, source=text)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        doc.problems.append(Problem(Location(file, 1, 1), "document too large", "file-too-large"))
        return doc
    try:
        # Aliases are found in the event stream, where each has its own position,
        # and refused before anything is composed.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                at = event.start_mark
                doc.problems.append(
                    Problem(
                        Location(file, at.line + 1, at.column + 1) if at else Location(file),
                        "YAML aliases (*name) are not allowed",
                        "yaml-alias",
                        "write the value out in full",
                    )
                )
        if doc.problems:
            return doc
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        message = str(exc.problem or exc.context or "invalid YAML").strip()
        lines = text.splitlines()
        found = ""
        if mark and mark.line < len(lines):
            found = lines[mark.line][mark.column : mark.column + 1]
        hint = "indent with spaces, not tabs" if found == "\t" else _syntax_hint(message)
        doc.problems.append(Problem(where, f"YAML syntax error: {message}", "yaml-syntax", hint))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(Location(file, 1, 1), f"YAML error: {exc}", "yaml-syntax"))
        return doc
    if len(nodes) > 1:
        second = nodes[1].start_mark
        doc.problems.append(
            Problem(
                Location(file, second.line + 1, second.column + 1),
                "more than one YAML document in the file",
                "yaml-multiple-documents",
                "remove the '---' separator or split the file",
            )
        )
    if nodes:
        doc.data = _Builder(doc).build(nodes[0], (), 0)
    return doc


def _syntax_hint(message: str) -> str | None:
    if "mapping values are not allowed" in message:
        return "quote a value that contains ': '"
    if "expected '-' indicator" in message or "expected <block end>" in message:
        return (
            "check the indentation of this line against the lines above: the keys of one "
            "entry line up, and each entry of a list starts with '- ' at the same column"
        )
    if "did not find expected key" in message:
        return (
            "check the indentation here and on the line above; a value that starts with "
            "a quote must end with one"
        )
    return None


def _where(file: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain values, recording positions."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc

    def problem(self, node: yaml.Node, message: str, code: str, hint: str | None = None) -> None:
        self.doc.problems.append(Problem(_where(self.doc.file, node), message, code, hint))

    def build(self, node: yaml.Node, path: JsonPath, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.problem(node, f"nested more than {MAX_DEPTH} levels deep", "yaml-depth")
            return None
        location = _where(self.doc.file, node)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("'", '"'):
                location = location.shifted(1)
            self.doc._values[path] = location
            return self.scalar(node)
        self.doc._values[path] = location
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                self.problem(node, f"unsupported YAML tag {node.tag}", "yaml-tag")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _TAG + "map":
                self.problem(node, f"unsupported YAML tag {node.tag}", "yaml-tag")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node)
                if key is None:
                    continue
                if key in result:
                    first = self.doc._keys[(*path, key)]
                    self.problem(
                        key_node,
                        f'duplicate key "{key}"',
                        "duplicate-key",
                        f"first given at line {first.line}",
                    )
                    continue
                self.doc._keys[(*path, key)] = _where(self.doc.file, key_node)
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        self.problem(node, "unsupported YAML node", "yaml-tag")  # pragma: no cover
        return None

    def key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, "mapping keys must be plain text", "yaml-key")
            return None
        value = self.scalar(node)
        if isinstance(value, bool) or value is None:
            # `yes:`/`no:`/`null:` as keys are almost always a mistake in YAML 1.1.
            return str(node.value)
        return str(value)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        try:
            if tag == _TAG + "str":
                return node.value
            if tag == _TAG + "int":
                return _SCALARS.construct_yaml_int(node)
            if tag == _TAG + "float":
                return _SCALARS.construct_yaml_float(node)
            if tag == _TAG + "bool":
                return _SCALARS.construct_yaml_bool(node)
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "timestamp":
                # Periods such as 2024-05-01 stay text: the profile names periods, not instants.
                return node.value
        except (ValueError, yaml.YAMLError):
            self.problem(
                node, f"cannot read {node.value!r} as {tag.rsplit(':', 1)[-1]}", "yaml-scalar"
            )
            return None
        self.problem(
            node,
            f"unsupported YAML tag {tag}",
            "yaml-tag",
            "remove the tag; rule files use plain values",
        )
        return None
