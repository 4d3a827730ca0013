"""Get a source tree to check: a working tree as-is, a local repository at a ref, or a remote URL.

Why this shape:
- A ref is read by exporting that commit's tree (`git archive`) into a temporary directory, so the
  user's working tree, index and HEAD are never touched, and the export is ours to edit while
  rendering (`Source.scratch`). It is removed when the context exits.
- A URL is cloned shallowly at the ref. Network errors that look transient are retried (tenacity);
  auth failures and missing refs are not.
- Credentials never reach argv, `.git/config`, output or errors: an https token travels as an
  `http.extraHeader` through GIT_CONFIG_* environment variables, an ssh key through
  GIT_SSH_COMMAND, and every message passes through `redact`.
- Inherited GIT_* variables are removed while git runs (pre-commit `git.no_git_env`): inside a
  hook, GIT_DIR / GIT_INDEX_FILE would point git at the wrong repository or index.
gitpython is imported inside functions: it costs ~100 ms, and `argogate --help` must stay fast.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argogate.errors import GitError

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.I)
_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.I)
_SHA = re.compile(r"^[0-9a-f]{7,40}$")
_TRANSIENT = re.compile(
    r"could not resolve host|connection (?:refused|reset|timed out)|timed out|early eof|"
    r"remote end hung up|rpc failed|http 5\d\d|returned error: 5\d\d|temporary failure|"
    r"network is unreachable|unexpected disconnect|no route to host",
    re.I,
)
_AUTH = re.compile(
    r"authentication failed|could not read (?:username|password)|returned error: 40[13]|"
    r"permission denied \(publickey|terminal prompts disabled",
    re.I,
)


@dataclass(frozen=True)
class Source:
    """A directory to check. `os.fspath(source)` is the directory, so it works wherever a path does."""

    path: Path
    commit: str | None
    remote_urls: tuple[str, ...]
    scratch: bool
    display: str

    def __fspath__(self) -> str:
        return str(self.path)


def is_url(text: str) -> bool:
    return bool(_URL.match(text)) and not Path(text).exists()


def redact(text: str, *secrets: str | None) -> str:
    """Remove URL userinfo and every given secret (and its base64 forms) from `text`."""
    out = _USERINFO.sub(lambda m: m.group("scheme") + "***@", text)
    for s in secrets:
        if not s:
            continue
        for form in sorted({s, _basic(s), _basic(s, "x-access-token")}, key=len, reverse=True):
            out = out.replace(form, "***")
    return out


def _basic(token: str, user: str | None = None) -> str:
    raw = f"{user}:{token}" if user else token
    return base64.b64encode(raw.encode()).decode()


@contextmanager
def no_git_env() -> Iterator[None]:
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("GIT_")}
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("GIT_")]:
            del os.environ[k]
        os.environ.update(saved)


@contextmanager
def open_source(
    path_or_url: str,
    ref: str | None = None,
    *,
    token: str | None = None,
    ssh_key: str | None = None,
    username: str | None = None,
    attempts: int = 3,
) -> Iterator[Source]:
    """Yield the tree to check; temporary trees are removed when the context exits."""
    token = token or os.environ.get("ARGOGATE_GIT_TOKEN") or None
    ssh_key = ssh_key or os.environ.get("ARGOGATE_GIT_SSH_KEY") or None
    username = username or os.environ.get("ARGOGATE_GIT_USERNAME") or None
    if is_url(path_or_url):
        with _cloned(
            path_or_url, ref, token=token, ssh_key=ssh_key, username=username, attempts=attempts
        ) as s:
            yield s
        return
    root = Path(path_or_url).resolve()
    if not root.is_dir():
        raise GitError(
            f"{path_or_url}: no such directory", hint="pass a directory, a Git URL, or nothing for ."
        )
    if ref is None:
        yield Source(root, _head_commit(root), _remote_urls(root), scratch=False, display=str(path_or_url))
        return
    with _exported(root, ref) as s:
        yield s


def _open_repo(path: Path, *, search_parents: bool) -> Any:
    import git

    try:
        return git.Repo(path, search_parent_directories=search_parents)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _head_commit(root: Path) -> str | None:
    with no_git_env():
        repo = _open_repo(root, search_parents=True)
        if repo is None:
            return None
        try:
            return str(repo.head.commit.hexsha)
        except ValueError:
            return None


def _remote_urls(root: Path) -> tuple[str, ...]:
    """Remotes count only when `root` is the repository's top level (a subdirectory is its own tree)."""
    with no_git_env():
        repo = _open_repo(root, search_parents=False)
        if repo is None:
            return ()
        return tuple(redact(url) for remote in repo.remotes for url in remote.urls)


@contextmanager
def _exported(root: Path, ref: str) -> Iterator[Source]:
    import git

    with no_git_env():
        repo = _open_repo(root, search_parents=True)
        if repo is None:
            raise GitError(
                f"{root} is not inside a Git repository, so --ref {ref} cannot be read",
                hint="drop --ref to check the directory as it is",
            )
        try:
            commit = repo.commit(ref)
        except (git.BadName, git.BadObject, ValueError) as exc:
            raise GitError(
                f"ref {ref!r} does not exist in {root}",
                hint=f"use a branch, tag or commit that exists (`git -C {root} branch -a`, `git tag`)",
            ) from exc
        top = Path(repo.working_tree_dir or root).resolve()
        sub = root.relative_to(top).as_posix() if root != top else ""
        tmp = Path(tempfile.mkdtemp(prefix="argogate-ref-"))
        try:
            archive = tmp / "tree.tar"
            with archive.open("wb") as fh:
                args = [sub] if sub else []
                repo.archive(fh, treeish=commit.hexsha, format="tar", path=args or None)
            tree = tmp / "tree"
            with tarfile.open(archive) as tf:
                tf.extractall(tree, filter="data")
            archive.unlink()
            path = tree / sub if sub else tree
            path.mkdir(parents=True, exist_ok=True)
            remotes = _remote_urls(top) if not sub else ()
            yield Source(path, str(commit.hexsha), remotes, scratch=True, display=f"{root}@{ref}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _cloned(
    url: str, ref: str | None, *, token: str | None, ssh_key: str | None, username: str | None, attempts: int
) -> Iterator[Source]:
    tmp = Path(tempfile.mkdtemp(prefix="argogate-clone-"))
    key_file: Path | None = None
    shown = redact(url, token)
    secrets: tuple[str | None, ...] = (token, ssh_key)
    try:
        env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
        if token:
            credential = _basic(token, username or "x-access-token")
            secrets = (*secrets, credential)
            header = f"Authorization: Basic {credential}"
            env.update(
                {
                    "GIT_CONFIG_COUNT": "1",
                    "GIT_CONFIG_KEY_0": "http.extraHeader",
                    "GIT_CONFIG_VALUE_0": header,
                }
            )
        if ssh_key:
            key_file = _key_file(ssh_key, tmp)
            env["GIT_SSH_COMMAND"] = (
                f"ssh -i {key_file} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new"
            )
        dest = tmp / "repo"
        commit = _clone_with_retries(url, ref, dest, env, attempts=attempts, secrets=secrets, shown=shown)
        yield Source(dest, commit, (shown,), scratch=True, display=f"{shown}@{ref}" if ref else shown)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _key_file(ssh_key: str, tmp: Path) -> Path:
    if "PRIVATE KEY" not in ssh_key:
        return Path(ssh_key).expanduser().resolve()
    f = tmp / "id_key"
    f.write_text(ssh_key if ssh_key.endswith("\n") else ssh_key + "\n", encoding="utf-8")
    f.chmod(0o600)
    return f


def _clone_with_retries(
    url: str,
    ref: str | None,
    dest: Path,
    env: dict[str, str],
    *,
    attempts: int,
    secrets: tuple[str | None, ...],
    shown: str,
) -> str:
    import git
    from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

    def transient(exc: BaseException) -> bool:
        text = str(exc)
        return (
            isinstance(exc, git.GitCommandError) and bool(_TRANSIENT.search(text)) and not _AUTH.search(text)
        )

    @retry(
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential(multiplier=0.5, max=4),
        retry=retry_if_exception(transient),
        reraise=True,
    )
    def attempt() -> str:
        shutil.rmtree(dest, ignore_errors=True)
        with no_git_env():
            if ref is not None and _SHA.match(ref):
                repo = git.Repo.clone_from(url, dest, env=env, no_checkout=True)
                repo.git.checkout(ref)
            else:
                kwargs: dict[str, Any] = {"depth": 1, "single_branch": True}
                if ref is not None:
                    kwargs["branch"] = ref
                repo = git.Repo.clone_from(url, dest, env=env, **kwargs)
            return str(repo.head.commit.hexsha)

    try:
        return attempt()
    except git.GitCommandError as exc:
        raise _clone_error(exc, ref, shown, secrets, attempts) from None


def _clone_error(
    exc: Any, ref: str | None, shown: str, secrets: tuple[str | None, ...], attempts: int
) -> GitError:
    stderr = redact(str(getattr(exc, "stderr", "") or ""), *secrets)
    lines = [ln.strip() for ln in stderr.replace("stderr:", "").splitlines() if ln.strip().strip("'")]
    detail = lines[-1].strip("'").strip() if lines else f"git exited {getattr(exc, 'status', '?')}"
    if ref and re.search(
        r"not found in upstream|did not match any|couldn't find remote ref|reference is not a tree",
        stderr,
        re.I,
    ):
        return GitError(
            f"ref {ref!r} does not exist in {shown}",
            hint=f"use a branch, tag or commit that exists (`git ls-remote {shown}`)",
        )
    if _AUTH.search(stderr):
        return GitError(
            f"cannot clone {shown}: authentication failed ({detail})",
            hint="set ARGOGATE_GIT_TOKEN (https) or ARGOGATE_GIT_SSH_KEY (ssh), or pass --token/--ssh-key",
        )
    if _TRANSIENT.search(stderr):
        return GitError(
            f"cannot clone {shown} after {attempts} attempts: {detail}",
            hint="check the URL and that the Git server is reachable from here",
        )
    return GitError(f"cannot clone {shown}: {detail}", hint="check the URL and the ref")
