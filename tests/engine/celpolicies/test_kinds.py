from __future__ import annotations

import pytest

from argogate.engine.celpolicies.kinds import GVR, gvr_of, resource_for_kind
from argogate.engine.match import split_api_version


@pytest.mark.parametrize(
    ("kind", "resource"),
    [
        ("Pod", "pods"),
        ("Ingress", "ingresses"),
        ("NetworkPolicy", "networkpolicies"),
        ("PodSecurityPolicy", "podsecuritypolicies"),
        ("Endpoints", "endpoints"),
        ("PriorityLevelConfiguration", "prioritylevelconfigurations"),
        ("Gateway", "gateways"),
        ("Policy", "policies"),
        ("Key", "keys"),
        ("", ""),
    ],
)
def test_resource_for_kind(kind: str, resource: str) -> None:
    assert resource_for_kind(kind) == resource


def test_gvr_of() -> None:
    assert gvr_of({"apiVersion": "apps/v1", "kind": "Deployment"}) == GVR("apps", "v1", "deployments")
    assert gvr_of({"apiVersion": "v1", "kind": "Pod"}).api_version == "v1"
    assert split_api_version("batch/v1beta1") == ("batch", "v1beta1")
