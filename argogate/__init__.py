"""argogate: a GitOps pre-sync policy gate for Argo CD with Kyverno's semantics."""

__version__ = "0.1.0"
__all__ = ["__version__"]
