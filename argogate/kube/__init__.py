"""Kubernetes API access for the PreSync hook. `kubernetes` itself is imported only in `client.py`."""

from __future__ import annotations

from argogate.kube.client import (
    APPLICATIONS,
    CLUSTER_POLICY_REPORTS,
    NAMESPACES,
    POLICY_REPORTS,
    KubeClient,
    KubeSettings,
    Resource,
)

__all__ = [
    "APPLICATIONS",
    "CLUSTER_POLICY_REPORTS",
    "NAMESPACES",
    "POLICY_REPORTS",
    "KubeClient",
    "KubeSettings",
    "Resource",
]
