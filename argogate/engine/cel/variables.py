"""The `variables` object of CEL policies: each entry evaluated on first use, then memoised.

Shared by ClusterPolicy `validate.cel` rules and the CEL policy kinds, as the
apiserver shares one lazy accessor (admission/plugin/cel/composition.go). With
`composited=True` failures read as the apiserver words them
(`composited variable "x" fails to evaluate: ...`); entries that failed to
compile carry their error text instead of a program. `undefined_variable` is the
declaration check both run at compile time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from argogate.engine.cel import ast
from argogate.engine.cel.compiler import Program
from argogate.engine.cel.errors import CelEvalError


class LazyVariables(Mapping[str, Any]):
    def __init__(
        self,
        programs: Mapping[str, Program | str],
        activation: dict[str, Any],
        *,
        composited: bool = False,
    ) -> None:
        self._programs = programs
        self._activation = activation
        self._composited = composited
        self._values: dict[str, Any] = {}
        self._errors: dict[str, str] = {}

    def _fail(self, name: str, what: str, message: str) -> CelEvalError:
        if self._composited:
            message = f'composited variable "{name}" fails to {what}: {message}'
        self._errors[name] = message
        return CelEvalError(message)

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._errors:
            raise CelEvalError(self._errors[name])
        program = self._programs[name]
        if isinstance(program, str):
            raise self._fail(name, "compile", program)
        try:
            value = program.evaluate(self._activation)
        except CelEvalError as e:
            raise self._fail(name, "evaluate", e.message) from None
        self._values[name] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._programs)

    def __len__(self) -> int:
        return len(self._programs)


def undefined_variable(program: Program, names: Collection[str]) -> ast.Select | None:
    """The first `variables.x` in `program` whose `x` is not in `names`, or None."""
    for node in ast.walk(program.tree):
        if (
            isinstance(node, ast.Select)
            and isinstance(node.operand, ast.Ident)
            and node.operand.name == "variables"
            and node.field not in names
        ):
            return node
    return None
