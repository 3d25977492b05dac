"""`because` texts: the `{placeholder}` syntax that cites a value the rule reads."""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER"]

#: `{fsi.total}` or `{change(migration.departures)}` inside a because text
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
