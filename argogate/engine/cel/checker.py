"""A deliberately small static type inference: enough to tell `bool` from `string` for
expressions whose result type is evident from the AST (literals, operators, macros,
well-known functions), and `dyn` for everything else.

Kubernetes rejects validations whose checked output type is not bool or dyn
(apiserver admission/plugin/cel/compile.go: `must evaluate to bool but got string`);
with `object` declared as dyn, this catches the cases the real checker catches in
practice without a full checker.
"""

from __future__ import annotations

from argogate.engine.cel import ast
from argogate.engine.cel.values import type_name

_BOOL_OPS = frozenset(("_&&_", "_||_", "!_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "@in"))

_FUNCTION_TYPES = {
    "size": "int",
    "int": "int",
    "uint": "uint",
    "double": "double",
    "string": "string",
    "bool": "bool",
    "bytes": "bytes",
    "startsWith": "bool",
    "endsWith": "bool",
    "contains": "bool",
    "matches": "bool",
    "hasValue": "bool",
    "isSorted": "bool",
    "lowerAscii": "string",
    "upperAscii": "string",
    "trim": "string",
    "replace": "string",
    "substring": "string",
    "join": "string",
    "split": "list",
    "isQuantity": "bool",
    "isURL": "bool",
    "isIP": "bool",
    "isCIDR": "bool",
    "isSemver": "bool",
}

_MACRO_TYPES = {
    "all": "bool",
    "exists": "bool",
    "exists_one": "bool",
    "all2": "bool",
    "exists2": "bool",
    "exists_one2": "bool",
    "map": "list",
    "filter": "list",
    "transformList": "list",
    "transformMap": "map",
    "transformMapEntry": "map",
}


def infer_type(node: ast.Node) -> str:
    if isinstance(node, ast.Lit):
        return type_name(node.value)
    if isinstance(node, ast.ListLit):
        return "list"
    if isinstance(node, ast.MapLit):
        return "map"
    if isinstance(node, ast.Select):
        return "bool" if node.test_only else "dyn"
    if isinstance(node, ast.Macro):
        if node.kind == "bind":
            return infer_type(node.args[0])
        return _MACRO_TYPES.get(node.kind, "dyn")
    if isinstance(node, ast.Call):
        if node.name in _BOOL_OPS:
            return "bool"
        if node.name == "_?_:_":
            a, b = infer_type(node.args[1]), infer_type(node.args[2])
            return a if a == b else "dyn"
        if node.name in ("_+_", "_-_", "_*_", "_/_", "_%_"):
            a, b = infer_type(node.args[0]), infer_type(node.args[1])
            return a if a == b and a in ("int", "uint", "double", "string", "bytes", "list") else "dyn"
        if node.name == "-_":
            a = infer_type(node.args[0])
            return a if a in ("int", "double") else "dyn"
        return _FUNCTION_TYPES.get(node.name, "dyn")
    return "dyn"
