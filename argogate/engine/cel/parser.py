"""Recursive-descent parser for CEL (cel-spec grammar) with the optional-syntax extension
Kubernetes enables (`a.?b`, `a[?k]`, `[?x]`, `{?k: v}`), and macro expansion at parse
time as cel-go does (`has`, `all`, `exists`, `exists_one`, `map`, `filter`, ...).

Errors are `CelSyntaxError` with cel-go's `ERROR: <input>:l:c:` text and a caret line.
"""

from __future__ import annotations

from argogate.engine.cel import ast
from argogate.engine.cel.errors import CelSyntaxError
from argogate.engine.cel.lexer import RESERVED, Token, tokenize
from argogate.engine.cel.values import UInt

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
UINT_MAX = 2**64 - 1
MAX_DEPTH = 250

_RELOPS = {"<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_"}
_ADDOPS = {"+": "_+_", "-": "_-_"}
_MULOPS = {"*": "_*_", "/": "_/_", "%": "_%_"}

# member macros: name -> accepted argument counts (cel-go parser/macro.go, ext/comprehensions.go)
_MEMBER_MACROS = {
    "all": (2, 3),
    "exists": (2, 3),
    "exists_one": (2, 3),
    "existsOne": (2, 3),
    "map": (2, 3),
    "filter": (2,),
    "transformList": (3, 4),
    "transformMap": (3, 4),
    "transformMapEntry": (3, 4),
    "optMap": (2,),
    "optFlatMap": (2,),
}


def parse(text: str) -> ast.Node:
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    # token helpers -----------------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_op(self, op: str) -> bool:
        tok = self.tokens[self.i]
        return tok.kind == "op" and tok.value == op

    def accept(self, op: str) -> bool:
        if self.at_op(op):
            self.i += 1
            return True
        return False

    def expect(self, op: str) -> Token:
        tok = self.peek()
        if tok.kind == "op" and tok.value == op:
            self.i += 1
            return tok
        raise self.error(f"Syntax error: mismatched input {self.describe(tok)} expecting '{op}'", tok.pos)

    def describe(self, tok: Token) -> str:
        if tok.kind == "eof":
            return "'<EOF>'"
        end = self.tokens[self.i + 1].pos if self.i + 1 < len(self.tokens) else len(self.text)
        return f"'{self.text[tok.pos : end].strip()}'"

    def error(self, message: str, pos: int) -> CelSyntaxError:
        return CelSyntaxError(message, self.text, pos)

    # grammar -----------------------------------------------------------------------
    def parse(self) -> ast.Node:
        if self.peek().kind == "eof":
            raise self.error("Syntax error: mismatched input '<EOF>' expecting expression", 0)
        node = self.expr()
        tok = self.peek()
        if tok.kind != "eof":
            raise self.error(f"Syntax error: extraneous input {self.describe(tok)} expecting <EOF>", tok.pos)
        return node

    def expr(self) -> ast.Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("expression recursion limit exceeded", self.peek().pos)
        cond = self.or_expr()
        if self.at_op("?"):
            pos = self.next().pos
            then = self.or_expr()
            self.expect(":")
            other = self.expr()
            cond = ast.Call(None, "_?_:_", (cond, then, other), pos=pos)
        self.depth -= 1
        return cond

    def or_expr(self) -> ast.Node:
        left = self.and_expr()
        while self.at_op("||"):
            pos = self.next().pos
            left = ast.Call(None, "_||_", (left, self.and_expr()), pos=pos)
        return left

    def and_expr(self) -> ast.Node:
        left = self.relation()
        while self.at_op("&&"):
            pos = self.next().pos
            left = ast.Call(None, "_&&_", (left, self.relation()), pos=pos)
        return left

    def relation(self) -> ast.Node:
        left = self.addition()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in _RELOPS:
                self.i += 1
                left = ast.Call(None, _RELOPS[str(tok.value)], (left, self.addition()), pos=tok.pos)
            elif tok.kind == "ident" and tok.value == "in":
                self.i += 1
                left = ast.Call(None, "@in", (left, self.addition()), pos=tok.pos)
            else:
                return left

    def addition(self) -> ast.Node:
        left = self.multiplication()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in _ADDOPS:
                self.i += 1
                left = ast.Call(None, _ADDOPS[str(tok.value)], (left, self.multiplication()), pos=tok.pos)
            else:
                return left

    def multiplication(self) -> ast.Node:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in _MULOPS:
                self.i += 1
                left = ast.Call(None, _MULOPS[str(tok.value)], (left, self.unary()), pos=tok.pos)
            else:
                return left

    def unary(self) -> ast.Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value == "!":
            count = 0
            while self.accept("!"):
                count += 1
            node: ast.Node = self.member()
            # cel-go parser.go VisitLogicalNot: an even number of `!` is dropped entirely
            if count % 2:
                node = ast.Call(None, "!_", (node,), pos=tok.pos)
            return node
        if tok.kind == "op" and tok.value == "-":
            count = 0
            while self.accept("-"):
                count += 1
            nxt = self.peek()
            if nxt.kind in ("int", "double") and not self._followed_by_member():
                # cel-go folds `-<literal>` so that -9223372036854775808 is representable
                self.i += 1
                value = -nxt.value if isinstance(nxt.value, int | float) else nxt.value
                count -= 1
                node = self._literal(nxt.kind, value, nxt.pos)
            else:
                node = self.member()
            # cel-go parser.go VisitNegate: an even number of `-` is dropped entirely
            if count % 2:
                node = ast.Call(None, "-_", (node,), pos=tok.pos)
            return node
        return self.member()

    def _followed_by_member(self) -> bool:
        after = self.tokens[self.i + 1]
        return after.kind == "op" and after.value in (".", "[")

    def _literal(self, kind: str, value: object, pos: int) -> ast.Lit:
        if kind == "int":
            assert isinstance(value, int)
            if not INT_MIN <= value <= INT_MAX:
                raise self.error("invalid int literal", pos)
            return ast.Lit(value, pos=pos)
        if kind == "uint":
            assert isinstance(value, int)
            if value > UINT_MAX:
                raise self.error("invalid uint literal", pos)
            return ast.Lit(UInt(value), pos=pos)
        return ast.Lit(value, pos=pos)

    def member(self) -> ast.Node:
        node = self.primary()
        while True:
            tok = self.peek()
            if tok.kind != "op":
                return node
            if tok.value == ".":
                self.i += 1
                optional = self.accept("?")
                name_tok = self.next()
                if name_tok.kind != "ident":
                    raise self.error(
                        f"Syntax error: mismatched input {self.describe(name_tok)} expecting IDENTIFIER",
                        name_tok.pos,
                    )
                name = str(name_tok.value)
                if not optional and self.at_op("("):
                    self.i += 1
                    args = self.expr_list(")")
                    node = self.member_call(node, name, args, name_tok.pos)
                else:
                    node = ast.Select(node, name, optional=optional, pos=name_tok.pos)
            elif tok.value == "[":
                self.i += 1
                optional = self.accept("?")
                index = self.expr()
                self.expect("]")
                node = ast.Index(node, index, optional=optional, pos=tok.pos)
            elif tok.value == "{" and self._is_type_name(node):
                self.i += 1
                node = self.struct_literal(self._type_name(node), tok.pos)
            else:
                return node

    @staticmethod
    def _type_name(node: ast.Node) -> str:
        parts: list[str] = []
        while isinstance(node, ast.Select):
            parts.append(node.field)
            node = node.operand
        assert isinstance(node, ast.Ident)
        parts.append(node.name)
        return ".".join(reversed(parts))

    def struct_literal(self, type_name: str, pos: int) -> ast.Node:
        fields: list[tuple[str, ast.Node, bool]] = []
        while not self.accept("}"):
            optional = self.accept("?")
            name_tok = self.next()
            if name_tok.kind != "ident":
                raise self.error(
                    f"Syntax error: mismatched input {self._describe_prev(name_tok)} expecting IDENTIFIER",
                    name_tok.pos,
                )
            self.expect(":")
            fields.append((str(name_tok.value), self.expr(), optional))
            if not self.accept(","):
                self.expect("}")
                break
        return ast.StructLit(type_name, tuple(fields), pos=pos)

    @staticmethod
    def _is_type_name(node: ast.Node) -> bool:
        while isinstance(node, ast.Select):
            node = node.operand
        return isinstance(node, ast.Ident)

    def primary(self) -> ast.Node:
        tok = self.next()
        kind = tok.kind
        if kind in ("int", "uint", "double", "string", "bytes"):
            return self._literal(kind, tok.value, tok.pos)
        if kind == "ident":
            name = str(tok.value)
            if name == "true":
                return ast.Lit(True, pos=tok.pos)
            if name == "false":
                return ast.Lit(False, pos=tok.pos)
            if name == "null":
                return ast.Lit(None, pos=tok.pos)
            if name in RESERVED or name == "in":
                raise self.error(f"reserved identifier: {name}", tok.pos)
            if self.accept("("):
                args = self.expr_list(")")
                return self.global_call(name, args, tok.pos)
            return ast.Ident(name, pos=tok.pos)
        if kind == "op":
            if tok.value == ".":
                ident = self.next()
                if ident.kind != "ident":
                    raise self.error("Syntax error: expecting IDENTIFIER", ident.pos)
                if self.accept("("):
                    return self.global_call(str(ident.value), self.expr_list(")"), ident.pos)
                return ast.Ident(str(ident.value), pos=ident.pos)
            if tok.value == "(":
                node = self.expr()
                self.expect(")")
                return node
            if tok.value == "[":
                return self.list_literal(tok.pos)
            if tok.value == "{":
                return self.map_literal(tok.pos)
        raise self.error(
            f"Syntax error: mismatched input {self._describe_prev(tok)} expecting expression", tok.pos
        )

    def _describe_prev(self, tok: Token) -> str:
        self.i -= 1
        text = self.describe(tok)
        self.i += 1
        return text

    def expr_list(self, close: str) -> tuple[ast.Node, ...]:
        items: list[ast.Node] = []
        if self.accept(close):
            return ()
        while True:
            items.append(self.expr())
            if self.accept(close):
                return tuple(items)
            self.expect(",")

    def list_literal(self, pos: int) -> ast.Node:
        elements: list[ast.Node] = []
        optional: list[bool] = []
        while not self.accept("]"):
            optional.append(self.accept("?"))
            elements.append(self.expr())
            if not self.accept(","):
                self.expect("]")
                break
        return ast.ListLit(tuple(elements), tuple(optional), pos=pos)

    def map_literal(self, pos: int) -> ast.Node:
        entries: list[tuple[ast.Node, ast.Node, bool]] = []
        while not self.accept("}"):
            optional = self.accept("?")
            key = self.expr()
            self.expect(":")
            value = self.expr()
            entries.append((key, value, optional))
            if not self.accept(","):
                self.expect("}")
                break
        return ast.MapLit(tuple(entries), pos=pos)

    # macros -------------------------------------------------------------------------
    def global_call(self, name: str, args: tuple[ast.Node, ...], pos: int) -> ast.Node:
        if name == "has" and len(args) == 1:
            arg = args[0]
            if not isinstance(arg, ast.Select) or arg.optional:
                raise self.error("invalid argument to has() macro", pos)
            return ast.Select(arg.operand, arg.field, test_only=True, pos=arg.pos)
        return ast.Call(None, name, args, pos=pos)

    def member_call(self, target: ast.Node, name: str, args: tuple[ast.Node, ...], pos: int) -> ast.Node:
        if name == "bind" and isinstance(target, ast.Ident) and target.name == "cel" and len(args) == 3:
            var = self._macro_var(args[0], pos)
            return ast.Macro("bind", args[1], (var,), (args[2],), pos=pos)
        counts = _MEMBER_MACROS.get(name)
        if counts is None or len(args) not in counts:
            return ast.Call(target, name, args, pos=pos)
        kind = "exists_one" if name == "existsOne" else name
        n_vars = 1
        if kind in ("all", "exists", "exists_one") and len(args) == 3:
            n_vars = 2
            kind += "2"
        elif kind.startswith("transform"):
            n_vars = 2
        variables = tuple(self._macro_var(a, pos) for a in args[:n_vars])
        return ast.Macro(kind, target, variables, args[n_vars:], pos=pos)

    def _macro_var(self, node: ast.Node, pos: int) -> str:
        if not isinstance(node, ast.Ident):
            raise self.error("argument must be a simple name", node.pos or pos)
        return node.name
