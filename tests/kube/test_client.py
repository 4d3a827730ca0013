"""KubeClient against the loopback API server (TLS, bearer token), driven by the real `kubernetes` client."""

from __future__ import annotations

import http.client
import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from argogate.kube import (
    APPLICATIONS,
    CLUSTER_POLICY_REPORTS,
    NAMESPACES,
    POLICY_REPORTS,
    KubeClient,
    KubeSettings,
)
from argogate.kube.errors import (
    APIConflictError,
    APIForbiddenError,
    APINotFoundError,
    APIServerError,
    APIUnauthorizedError,
    APIUnreachableError,
)
from tests.fakes.kube_apiserver import FakeKube, make_tls_files

TOKEN = "t0ken-for-tests"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def api(tls: tuple[Path, Path]) -> Iterator[FakeKube]:
    server = FakeKube(token=TOKEN, tls=tls).start()
    server.put_object("namespaces", {"metadata": {"name": "web", "labels": {"gate": "strict"}}})
    yield server
    server.stop()


def client(api: FakeKube, tls: tuple[Path, Path], **kw: object) -> KubeClient:
    settings = KubeSettings(
        host=api.url, token=TOKEN, ca_file=str(tls[0]), timeout=2.0, attempts=3, backoff=0.01
    )
    for k, v in kw.items():
        settings = type(settings)(**{**settings.__dict__, k: v})
    return KubeClient(settings)


def report(name: str = "argogate-web", ns: str = "web") -> dict[str, object]:
    return {
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "PolicyReport",
        "metadata": {"name": name, "namespace": ns},
        "results": [],
    }


def test_discovery_and_bearer_scheme_case_insensitive(api: FakeKube, tls: tuple[Path, Path]) -> None:
    ctx = ssl.create_default_context(cafile=str(tls[0]))
    for scheme in ("Bearer", "bearer", "BEARER"):
        conn = http.client.HTTPSConnection("127.0.0.1", api.server.server_address[1], context=ctx)
        conn.request("GET", "/apis/wgpolicyk8s.io/v1alpha2", headers={"Authorization": f"{scheme} {TOKEN}"})
        resp = conn.getresponse()
        body = json.loads(resp.read())
        assert resp.status == 200 and {r["name"] for r in body["resources"]} == {
            "policyreports",
            "clusterpolicyreports",
        }
    for path in ("/version", "/api", "/apis", "/api/v1"):
        conn.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200


def test_get_namespace_with_its_metadata_name_label(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with client(api, tls) as c:
        ns = c.get(NAMESPACES, "web")
    assert ns["metadata"]["labels"] == {"gate": "strict", "kubernetes.io/metadata.name": "web"}


def test_not_found_is_typed_and_find_returns_none(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with client(api, tls) as c:
        with pytest.raises(APINotFoundError, match='HTTP 404 NotFound: namespaces "nope" not found'):
            c.get(NAMESPACES, "nope")
        assert c.find(APPLICATIONS, "web", "argocd") is None


def test_create_then_already_exists(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with client(api, tls) as c:
        created = c.create(POLICY_REPORTS, report())
        assert created["metadata"]["resourceVersion"] and created["metadata"]["uid"]
        with pytest.raises(APIConflictError, match="AlreadyExists"):
            c.create(POLICY_REPORTS, report())


def test_stale_replace_conflicts_and_upsert_rereads(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with client(api, tls) as c:
        first = c.create(POLICY_REPORTS, report())
        c.replace(POLICY_REPORTS, {**report(), "metadata": {**first["metadata"]}, "results": [{"x": 1}]})
        with pytest.raises(APIConflictError, match="the object has been modified"):
            c.replace(POLICY_REPORTS, {**report(), "metadata": {**first["metadata"]}})
        api.fail("PUT", "policyreports/argogate-web", 409)  # someone else wins once more
        verb, obj = c.upsert(POLICY_REPORTS, report())
    assert verb == "updated" and obj["results"] == []
    assert obj["metadata"]["uid"] == first["metadata"]["uid"]
    assert int(obj["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])


def test_cluster_scoped_upsert_and_list_by_label(api: FakeKube, tls: tuple[Path, Path]) -> None:
    body = {
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "ClusterPolicyReport",
        "metadata": {"name": "argogate-web", "labels": {"argogate.io/app": "web"}},
    }
    with client(api, tls) as c:
        assert c.upsert(CLUSTER_POLICY_REPORTS, body)[0] == "created"
        assert c.upsert(CLUSTER_POLICY_REPORTS, body)[0] == "updated"
        assert [
            o["metadata"]["name"]
            for o in c.list_objects(CLUSTER_POLICY_REPORTS, label_selector="argogate.io/app=web")
        ] == ["argogate-web"]
        assert c.list_objects(CLUSTER_POLICY_REPORTS, label_selector="argogate.io/app=other") == []


def test_forbidden_names_the_rbac_fix(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.deny("create", "policyreports")
    with client(api, tls) as c, pytest.raises(APIForbiddenError) as err:
        c.create(POLICY_REPORTS, report())
    assert "cannot create resource" in err.value.message and "rbac" in err.value.hint.lower()


def test_wrong_token_is_unauthorized(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with client(api, tls, token="wrong") as c, pytest.raises(APIUnauthorizedError):
        c.get(NAMESPACES, "web")


def test_server_errors_are_retried_then_succeed(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.fail("GET", "namespaces/web", 503, times=2)
    with client(api, tls) as c:
        assert c.get(NAMESPACES, "web")["metadata"]["name"] == "web"
    assert api.requests.count(("GET", "/api/v1/namespaces/web")) == 3


def test_server_errors_give_up_with_a_clear_message(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.fail("GET", "namespaces/web", 500, times=10)
    with (
        client(api, tls) as c,
        pytest.raises(
            APIServerError, match=r"HTTP 500 InternalError: injected fault 500 \(gave up after 3 attempts\)"
        ),
    ):
        c.get(NAMESPACES, "web")


def test_timeouts_are_retried_then_reported_as_unreachable(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.stall("GET", "namespaces/web", 1.0, times=1)
    with client(api, tls, timeout=0.3) as c:
        assert c.get(NAMESPACES, "web")["metadata"]["name"] == "web"  # second attempt answers
    api.stall("GET", "namespaces/web", 1.0, times=5)
    start = time.monotonic()
    with (
        client(api, tls, timeout=0.3, attempts=2) as c,
        pytest.raises(APIUnreachableError, match="gave up after 2 attempts"),
    ):
        c.get(NAMESPACES, "web")
    assert time.monotonic() - start < 3


def test_untrusted_certificate_is_unreachable_not_a_traceback(
    api: FakeKube, tls: tuple[Path, Path], tmp_path: Path
) -> None:
    other, _ = make_tls_files(tmp_path)
    with (
        client(api, tls, ca_file=str(other), attempts=1) as c,
        pytest.raises(APIUnreachableError, match="unreachable"),
    ):
        c.get(NAMESPACES, "web")


def test_settings_from_env(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("abc\n")
    s = KubeSettings.from_env({"ARGOGATE_KUBE_HOST": "https://1.2.3.4:6443", "ARGOGATE_KUBE_TOKEN_FILE": str(token_file),
                               "ARGOGATE_KUBE_TIMEOUT": "3", "ARGOGATE_KUBE_ATTEMPTS": "2"})  # fmt: skip
    assert (s.host, s.token, s.timeout, s.attempts, s.verify_tls) == (
        "https://1.2.3.4:6443",
        "abc",
        3.0,
        2,
        True,
    )
    incluster = KubeSettings.from_env(
        {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    )
    assert incluster.host == "https://10.0.0.1:443"


def test_only_the_client_module_imports_kubernetes() -> None:
    """kopf's rule: the heavy client library behind one module, imported lazily there."""
    import ast

    root = Path(__file__).resolve().parents[2] / "argogate"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "kubernetes" or n.startswith("kubernetes.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders and all(o.startswith("kube/client.py:") for o in offenders), offenders
    top_level = [
        n
        for n in ast.parse((root / "kube" / "client.py").read_text()).body
        if isinstance(n, (ast.Import, ast.ImportFrom))
    ]
    assert not any("kubernetes" in ast.unparse(n) for n in top_level)
