"""Options several commands share, spelt the same way everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_rules_option"]


def add_rules_option(
    parser: argparse.ArgumentParser, help: str = "rule directory (default: rules)"
) -> None:
    """`--rules DIR`, default `rules`."""
    parser.add_argument("--rules", type=Path, default=Path("rules"), metavar="DIR", help=help)
