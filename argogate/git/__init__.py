"""Git access for `argogate check`: a working tree, a local repository at a ref, or a remote URL."""

from __future__ import annotations

from argogate.git.repo import Source, is_url, no_git_env, open_source, redact

__all__ = ["Source", "is_url", "no_git_env", "open_source", "redact"]
