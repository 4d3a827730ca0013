"""The CEL `variables` declaration check shared by validate.cel and the CEL policy kinds."""

from __future__ import annotations

import pytest

from argogate.engine.cel import compile
from argogate.engine.cel.variables import undefined_variable


@pytest.mark.parametrize(
    ("expression", "names", "want"),
    [
        ("variables.a == variables.b", ("a", "b"), None),
        ("variables.a == variables.c", ("a", "b"), "c"),
        ("variables.x || variables.y", (), "x"),  # the first in walk order
        ("object.variables.z", ("a",), None),  # only the top-level `variables` identifier
        ("has(variables.q)", ("a",), "q"),
    ],
)
def test_undefined_variable(expression: str, names: tuple[str, ...], want: str | None) -> None:
    node = undefined_variable(compile(expression, ("object", "variables")), names)
    assert (node.field if node is not None else None) == want
