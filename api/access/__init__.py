"""Who may use the service: tokens with roles, loopback-only until one exists, rate, access log.

- `tokens`: roles, making and hashing tokens, the `tokens` table
- `cache`: each worker's copy of the active tokens, read again every few seconds
- `rate`: a token bucket per token
- `guard`: the ASGI middleware that admits or refuses every request
- `deps`: the role checks the routes declare
- `audit`: the access log (who read which decision)
- `command`: `advisor tokens add|list|revoke`
"""

from .guard import AccessControl, AccessGuard, Caller
from .tokens import Role, TokenStore

__all__ = ["AccessControl", "AccessGuard", "Caller", "Role", "TokenStore"]
