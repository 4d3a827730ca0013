"""The JMESPath dialect Kyverno evaluates: jmespath.py plus Kyverno's functions and its fork's quirks.

Kyverno runs every `{{ }}` through kyverno/go-jmespath with the functions registered in
pkg/engine/jmespath. Differences from upstream jmespath.py reproduced here:

- A plain dotted path (`element.alert`, `imageData.configData.created`) that
  reaches a missing key raises `NotFoundError` (`Unknown key "x" in path`), which
  Kyverno reports as "failed to resolve ..." (kyverno issues #3617, #8646).
  Anything richer (projections, multi-selects, functions, pipes, `||`) sees
  null, as upstream: Kyverno's own policy tests evaluate
  `request.object.rules[].verbs[]` on a Role without rules,
  `spec.[ephemeralContainers, initContainers, containers][]` on a Pod without
  ephemeral containers and `annotations.values(@)` without annotations (and
  kyverno#2872 fixed `initContainers[] | length(@)`). Raising everywhere flips
  10% of the corpus's results.
- `to_string` renders non-strings with Go's `encoding/json` (`2` not `2.0`).
- `sum` is Kyverno's unit-aware sum, not the numeric builtin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jmespath  # type: ignore[import-untyped]
from jmespath import exceptions, visitor
from jmespath.functions import Functions  # type: ignore[import-untyped]
from jmespath.parser import ParsedResult  # type: ignore[import-untyped]

from argogate.engine.gofmt import go_json
from argogate.engine.jmes.compiled import Eval, compile_node
from argogate.engine.jmes.errors import JMESError, NotFoundError
from argogate.engine.jmes.functions import arithmetic, encoding, images, misc, semver, strings, time
from argogate.engine.jmes.functions._common import FunctionEntry, signature

FUNCTIONS: tuple[FunctionEntry, ...] = (
    *strings.ENTRIES,
    *arithmetic.ENTRIES,
    *encoding.ENTRIES,
    *time.ENTRIES,
    *semver.ENTRIES,
    *images.ENTRIES,
    *misc.ENTRIES,
)


class KyvernoFunctions(
    strings.StringFunctions,
    arithmetic.ArithmeticFunctions,
    encoding.EncodingFunctions,
    time.TimeFunctions,
    semver.SemverFunctions,
    images.ImageFunctions,
    misc.MiscFunctions,
    Functions,  # type: ignore[misc]
):
    @signature({"types": []})
    def _func_to_string(self, arg: Any) -> str:
        return arg if isinstance(arg, str) else go_json(arg)


class _Interpreter(visitor.TreeInterpreter):  # type: ignore[misc]
    """Upstream semantics: a missing key is null (see the module docstring for why)."""

    def visit_subexpression(self, node: dict[str, Any], value: Any) -> Any:
        # a null left side ends the chain: `resources.keys(@)` on a container without
        # resources is null in Kyverno, not a type error from keys(null)
        result = value
        for child in node["children"]:
            result = self.visit(child, result)
            if result is None:
                return None
        return result


_OPTIONS = jmespath.Options(custom_functions=KyvernoFunctions())
_INTERPRETER = _Interpreter(_OPTIONS)  # stateless between calls: one serves every query


@lru_cache(maxsize=512)
def compile(expr: str) -> ParsedResult:
    """Parse `expr` once; JMESError on a syntax error."""
    try:
        return jmespath.compile(expr)
    except exceptions.JMESPathError as e:
        raise JMESError(str(e)) from None


def plain_path_keys(node: dict[str, Any]) -> tuple[str, ...] | None:
    """The keys of a plain dotted path (`a.b.c`), or None for anything richer."""
    if node["type"] == "field":
        return (node["value"],)
    if node["type"] != "subexpression":
        return None
    keys: list[str] = []
    for child in node["children"]:
        sub = plain_path_keys(child)
        if sub is None:
            return None
        keys.extend(sub)
    return tuple(keys)


def _strict_path(keys: tuple[str, ...]) -> Eval:
    """A plain dotted path: a missing key raises NotFoundError, as Kyverno reports it."""

    def lookup(value: Any) -> Any:
        for key in keys:
            if isinstance(value, dict):
                if key not in value:
                    raise NotFoundError(key)
                value = value[key]
            else:
                value = None
        return value

    return lookup


@lru_cache(maxsize=1024)
def evaluator(expr: str) -> Eval:
    """`expr` compiled once into a function of the document; JMESError on a syntax error.

    Call it through `search`, which turns evaluation failures into JMESError."""
    node = compile(expr).parsed
    keys = plain_path_keys(node)
    if keys is not None:
        return _strict_path(keys)
    return compile_node(node, _INTERPRETER)


def search(expr: str, data: Any) -> Any:
    """Evaluate `expr` against `data` the way Kyverno does."""
    return apply(evaluator(expr), data)


def apply(run: Eval, data: Any) -> Any:
    """Run an `evaluator` on `data`; any failure is a JMESError."""
    try:
        return run(data)
    except JMESError:
        raise
    except exceptions.JMESPathError as e:
        raise JMESError(str(e)) from None
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, RecursionError) as e:
        raise JMESError(f"JMESPath query failed: {e}") from None


def function_names() -> list[str]:
    return sorted(e.name for e in FUNCTIONS)
