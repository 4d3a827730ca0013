"""Real repositories in tmp dirs; clones from a loopback `git daemon` and a smart-HTTP server."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from argogate.errors import GitError
from argogate.git import open_source, redact
from tests.gitrepo import git

TOKEN = "ghp_S3cretT0kenValue1234567890"


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: v1 (tag v1) then v2; branch feature: adds feature.yaml. Working tree has local edits."""
    repo = tmp_path_factory.mktemp("src") / "demo.git" / "work"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "apps").mkdir()
    (repo / "apps" / "cm.yaml").write_text("version: v1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    (repo / "apps" / "cm.yaml").write_text("version: v2\n")
    git(repo, "commit", "-qam", "v2")
    git(repo, "checkout", "-qb", "feature")
    (repo / "apps" / "feature.yaml").write_text("feature: true\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "feature")
    git(repo, "checkout", "-q", "main")
    (repo / "apps" / "cm.yaml").write_text("version: uncommitted\n")
    (repo / "staged.yaml").write_text("staged\n")
    git(repo, "add", "staged.yaml")
    return repo


def state(repo: Path) -> tuple[str, str, str]:
    return (
        git(repo, "status", "--porcelain"),
        git(repo, "rev-parse", "HEAD"),
        (repo / "apps/cm.yaml").read_text(),
    )


def test_working_tree_as_is(origin: Path) -> None:
    with open_source(str(origin)) as src:
        assert src.path == origin.resolve() and not src.scratch
        assert (src.path / "apps/cm.yaml").read_text() == "version: uncommitted\n"
        assert src.commit == git(origin, "rev-parse", "HEAD").strip()
        assert os.fspath(src) == str(origin.resolve())


@pytest.mark.parametrize(
    ("ref", "content", "has_feature"),
    [
        ("v1", "version: v1\n", False),
        ("main", "version: v2\n", False),
        ("feature", "version: v2\n", True),
        ("HEAD~1", "version: v1\n", False),
    ],
)
def test_export_at_ref_leaves_working_tree_alone(
    origin: Path, ref: str, content: str, has_feature: bool
) -> None:
    before = state(origin)
    with open_source(str(origin), ref) as src:
        tmp = src.path
        assert src.scratch and src.commit == git(origin, "rev-parse", ref).strip()
        assert (tmp / "apps/cm.yaml").read_text() == content
        assert (tmp / "apps/feature.yaml").exists() is has_feature
        assert not (tmp / "staged.yaml").exists() and not (tmp / ".git").exists()
    assert not tmp.exists()
    assert state(origin) == before


def test_export_subdirectory_at_commit(origin: Path) -> None:
    sha = git(origin, "rev-parse", "v1").strip()
    with open_source(str(origin / "apps"), sha[:10]) as src:
        assert sorted(p.name for p in src.path.iterdir()) == ["cm.yaml"]
        assert (src.path / "cm.yaml").read_text() == "version: v1\n"


def test_unknown_ref(origin: Path) -> None:
    with pytest.raises(GitError) as info:
        with open_source(str(origin), "no-such-branch"):
            pass
    assert "no-such-branch" in info.value.message and "branch" in info.value.hint


def test_ref_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not inside a Git repository"):
        with open_source(str(tmp_path), "main"):
            pass


def test_inherited_git_env_is_ignored(origin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere.git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "index"))
    with open_source(str(origin), "v1") as src:
        assert (src.path / "apps/cm.yaml").read_text() == "version: v1\n"
    assert os.environ["GIT_DIR"] == str(tmp_path / "elsewhere.git")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, deadline: float = 5.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened")


@pytest.fixture(scope="module")
def served(origin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("served")
    subprocess.run(["git", "clone", "-q", "--bare", str(origin), str(base / "demo.git")], check=True)
    return base


@pytest.fixture(scope="module")
def daemon_url(served: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--export-all",
            "--reuseaddr",
            f"--base-path={served}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(served),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        yield f"git://127.0.0.1:{port}/demo.git"
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.mark.parametrize(
    ("ref", "content"), [(None, "version: v2\n"), ("v1", "version: v1\n"), ("feature", "version: v2\n")]
)
def test_clone_from_git_daemon(daemon_url: str, ref: str | None, content: str) -> None:
    with open_source(daemon_url, ref) as src:
        assert (src.path / "apps/cm.yaml").read_text() == content
        assert src.scratch and src.remote_urls == (daemon_url,)
        assert git(src.path, "rev-list", "--count", "HEAD").strip() == "1"  # shallow
        tmp = src.path
    assert not tmp.exists()


def test_clone_missing_ref(daemon_url: str) -> None:
    with pytest.raises(GitError) as info:
        with open_source(daemon_url, "release-9"):
            pass
    assert "ref 'release-9' does not exist" in info.value.message


def test_unreachable_remote_retries_then_fails() -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(GitError) as info:
        with open_source(f"git://127.0.0.1:{port}/demo.git", attempts=2):
            pass
    assert "after 2 attempts" in info.value.message
    assert time.monotonic() - started < 10


class _GitHTTP(BaseHTTPRequestHandler):
    root = ""
    user = "x-access-token"

    def log_message(self, *args: object) -> None:
        pass

    def _serve(self) -> None:
        expected = "Basic " + base64.b64encode(f"{self.user}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            "PATH": os.environ["PATH"],
            "GIT_PROJECT_ROOT": self.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": self.user,
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = [h.split(":", 1) for h in head.decode().split("\r\n") if ":" in h]
        status = next((int(v.split()[0]) for k, v in headers if k.lower() == "status"), 200)
        self.send_response(status)
        for k, v in headers:
            if k.lower() != "status":
                self.send_header(k, v.strip())
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve


@pytest.fixture(scope="module")
def http_url(served: Path) -> Iterator[str]:
    handler = type("Handler", (_GitHTTP,), {"root": str(served)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/demo.git"
    finally:
        server.shutdown()
        server.server_close()


def test_clone_over_http_with_token(http_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    with open_source(http_url, "v1", token=TOKEN) as src:
        assert (src.path / "apps/cm.yaml").read_text() == "version: v1\n"
        config = (src.path / ".git" / "config").read_text()
        assert (
            TOKEN not in config
            and base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode() not in config
        )
    out, err = capfd.readouterr()
    assert TOKEN not in out + err


def test_token_from_environment(http_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOGATE_GIT_TOKEN", TOKEN)
    with open_source(http_url) as src:
        assert (src.path / "apps/cm.yaml").read_text() == "version: v2\n"


@pytest.mark.parametrize("token", [None, "wrong-token-value"])
def test_http_auth_failure_never_shows_credentials(
    http_url: str, token: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARGOGATE_GIT_TOKEN", raising=False)
    # no token: the secret rides in the URL's userinfo (and the server wants a header, so it fails)
    url = http_url.replace("http://", f"http://{TOKEN}@") if token is None else http_url
    with pytest.raises(GitError) as info:
        with open_source(url, token=token, attempts=1):
            pass
    text = info.value.render() + str(info.value)
    assert TOKEN not in text and (token is None or token not in text)
    assert "authentication failed" in info.value.message
    assert "ARGOGATE_GIT_TOKEN" in info.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://user:pw@host/r.git failed", "https://***@host/r.git failed"),
        (f"header {TOKEN}", "header ***"),
        ("Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode(), "Basic ***"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text, TOKEN) == expected
