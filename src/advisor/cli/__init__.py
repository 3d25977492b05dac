"""The `advisor` command line: one module per command, one exit-code enum, one problem printer."""

from advisor.cli.main import main

__all__ = ["main"]
