"""The JMESPath dialect Kyverno evaluates: jmespath.py plus Kyverno's functions and its fork's quirks.

Kyverno runs every `{{ }}` through kyverno/go-jmespath with the functions registered in
pkg/engine/jmespath. Differences from upstream jmespath.py reproduced here:

- A field lookup on an object that lacks the key raises `NotFoundError`
  (`Unknown key "x" in path`) instead of yielding null. Kyverno reports it as
  "failed to resolve ...". Projections, filters and the left side of `||` absorb it
  (they see null), which is what makes `{{ a.b || 'default' }}` and
  `containers[?securityContext.privileged]` work in Kyverno.
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

from argogate.engine.jmes.errors import JMESError, NotFoundError
from argogate.engine.jmes.functions import arithmetic, encoding, images, misc, semver, strings, time
from argogate.engine.jmes.functions._common import FunctionEntry, signature
from argogate.engine.jmes.gofmt import go_json

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
    def visit_field(self, node: dict[str, Any], value: Any) -> Any:
        if isinstance(value, dict):
            key = node["value"]
            if key not in value:
                raise NotFoundError(key)
            return value[key]
        return None

    def _soft(self, node: dict[str, Any], value: Any) -> Any:
        try:
            return self.visit(node, value)
        except NotFoundError:
            return None

    def visit_or_expression(self, node: dict[str, Any], value: Any) -> Any:
        matched = self._soft(node["children"][0], value)
        if self._is_false(matched):
            matched = self.visit(node["children"][1], value)
        return matched

    def visit_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if not isinstance(base, list):
            return None
        collected = []
        for element in base:
            current = self._soft(node["children"][1], element)
            if current is not None:
                collected.append(current)
        return collected

    def visit_value_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if not isinstance(base, dict):
            return None
        collected = []
        for element in base.values():
            current = self._soft(node["children"][1], element)
            if current is not None:
                collected.append(current)
        return collected

    def visit_filter_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if not isinstance(base, list):
            return None
        collected = []
        for element in base:
            if self._is_true(self._soft(node["children"][2], element)):
                current = self._soft(node["children"][1], element)
                if current is not None:
                    collected.append(current)
        return collected


_OPTIONS = jmespath.Options(custom_functions=KyvernoFunctions())


@lru_cache(maxsize=512)
def compile(expr: str) -> ParsedResult:
    """Parse `expr` once; JMESError on a syntax error."""
    try:
        return jmespath.compile(expr)
    except exceptions.JMESPathError as e:
        raise JMESError(str(e)) from None


def search(expr: str, data: Any) -> Any:
    """Evaluate `expr` against `data` the way Kyverno does."""
    parsed = compile(expr)
    try:
        return _Interpreter(_OPTIONS).visit(parsed.parsed, data)
    except JMESError:
        raise
    except exceptions.JMESPathError as e:
        raise JMESError(str(e)) from None
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, RecursionError) as e:
        raise JMESError(f"JMESPath query failed: {e}") from None


def function_names() -> list[str]:
    return sorted(e.name for e in FUNCTIONS)
