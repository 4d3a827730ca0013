"""Kubernetes API failures as argogate errors, independent of the client library (kopf's error tree).

    ClusterError (argogate.errors)          exit 2
    └── APIError                            any answer or non-answer from the API server
        ├── APIUnreachableError             connection refused, TLS failure, timeout: retried
        ├── APIClientError                  4xx
        │   ├── APIUnauthorizedError        401: the token is missing or wrong
        │   ├── APIForbiddenError           403: RBAC (the hint names the verb and resource)
        │   ├── APINotFoundError            404
        │   └── APIConflictError            409: AlreadyExists, or a stale resourceVersion
        └── APIServerError                  5xx, 429: retried

Why a tree of our own (kopf `_cogs/clients/errors.py`): callers branch on "not found" or "conflict"
without importing the `kubernetes` package (0.6-1.2 s to import; only `client.py` may import it), and
the message comes from the server's `Status` object, which is what a user can act on.
"""

from __future__ import annotations

import json
from typing import Any

from argogate.errors import ClusterError


class APIError(ClusterError):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str = "",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.reason = reason


class APIUnreachableError(APIError):
    default_hint = "check the API server address, the network policy of the pod, and its CA certificate"


class APIClientError(APIError):
    pass


class APIUnauthorizedError(APIClientError):
    default_hint = "the service account token is missing, expired or not accepted by this cluster"


class APIForbiddenError(APIClientError):
    default_hint = "grant the hook's ServiceAccount this verb on this resource (see argocd/hook/rbac.yaml)"


class APINotFoundError(APIClientError):
    pass


class APIConflictError(APIClientError):
    pass


class APIServerError(APIError):
    pass


_BY_STATUS: dict[int, type[APIError]] = {
    401: APIUnauthorizedError,
    403: APIForbiddenError,
    404: APINotFoundError,
    409: APIConflictError,
    429: APIServerError,
}


def status_message(body: Any) -> tuple[str, str]:
    """(message, reason) of a `Status` body, whatever form the client hands it over in."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body.strip()[:300], ""
    if isinstance(body, dict):
        return str(body.get("message") or ""), str(body.get("reason") or "")
    return "", ""


def from_status(status: int, body: Any, *, what: str) -> APIError:
    message, reason = status_message(body)
    cls = _BY_STATUS.get(status) or (APIServerError if status >= 500 else APIClientError)
    text = f"{what}: HTTP {status}" + (f" {reason}" if reason else "") + (f": {message}" if message else "")
    return cls(text, status=status, reason=reason)


def unreachable(exc: BaseException, *, what: str) -> APIUnreachableError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return APIUnreachableError(f"{what}: API server unreachable ({detail[:300]})")
