"""One router per concern; `api.app` includes them all."""

from . import catalogue, decisions, health, recommendations, ruleset

__all__ = ["catalogue", "decisions", "health", "recommendations", "ruleset"]
