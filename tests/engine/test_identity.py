"""identity_memo: one computation per document object, by identity, bounded."""

from __future__ import annotations

from typing import Any

from argogate.engine.identity import identity_memo


def test_memo_is_per_object_not_per_value() -> None:
    calls: list[Any] = []

    @identity_memo(8)
    def size(doc: Any) -> int:
        calls.append(doc)
        return len(doc)

    a, b = {"x": 1}, {"x": 1}
    assert size(a) == 1 and size(a) == 1
    assert size(b) == 1
    assert calls == [a, b]  # equal but distinct objects are computed separately


def test_memo_clears_when_full() -> None:
    calls: list[Any] = []

    @identity_memo(2)
    def ident(doc: Any) -> Any:
        calls.append(doc)
        return doc

    docs = [[1], [2], [3]]
    for d in docs:
        ident(d)
    ident(docs[0])  # evicted by the clear that made room for docs[2]
    ident(docs[2])  # still cached
    assert calls == [[1], [2], [3], [1]]
