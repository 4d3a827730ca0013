"""Loading policies and policy exceptions from files."""

from argogate.policies.loader import LoadedPolicies, load_policies

__all__ = ["LoadedPolicies", "load_policies"]
