"""The pure policy engine: no I/O, no subprocess, no network, no cluster.

Everything outside (files, Git, helm, the API server, registries) reaches the
engine as data or through the Protocols in `engine/api.py`. An import-linter
contract and a test keep it that way.
"""
