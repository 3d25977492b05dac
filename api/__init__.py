"""The Cooperation Advisor HTTP service.

>>> from advisor.api import Settings, create_app
>>> app = create_app(Settings(rules_dir="rules", database_url="sqlite:///decisions.db"))

`advisor serve` runs it under uvicorn in several worker processes (see `advisor.api.serve`).
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
