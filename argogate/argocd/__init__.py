"""Argo CD integration: the config-management plugin (`plugin.py`) and the PreSync hook (`presync.py`).

This layer wires the adapters (render, git, kube, policies, reporters) to what Argo CD hands a plugin
or a hook; it sits below the CLI and above the adapters (see .importlinter).
"""
