from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # examples from apiserver/pkg/cel/library/quantity.go doc comments
        ("quantity('50M') == quantity('50000000')", True),
        ("quantity('1') == quantity('1000m')", True),
        ("isQuantity('1.3G')", True),
        ("isQuantity('1.3Gi')", True),
        ("isQuantity('1,3Gi')", False),
        ("isQuantity('10000k')", True),
        ("isQuantity('200K')", False),
        ("isQuantity('Three')", False),
        ("isQuantity('Mi')", False),
        ("quantity('50k').isInteger()", True),
        ("quantity('50').asInteger()", 50),
        ("quantity('50k').asApproximateFloat()", 50000.0),
        ("quantity('50k').sign()", 1),
        ("quantity('-50k').sign()", -1),
        ("quantity('0').sign()", 0),
        ("quantity('200M').compareTo(quantity('0.2G'))", 0),
        ("quantity('50M').compareTo(quantity('50Mi'))", -1),
        ("quantity('50Mi').compareTo(quantity('50M'))", 1),
        ("quantity('50M').isGreaterThan(quantity('40M'))", True),
        ("quantity('50M').isLessThan(quantity('100M'))", True),
        ("quantity('50k').add(20).isGreaterThan(quantity('50k'))", True),
        ("quantity('50k').add(quantity('20k')) == quantity('70k')", True),
        ("quantity('50k').sub(20000) == quantity('30k')", True),
        ("quantity('1.5').isInteger()", False),
    ],
)
def test_quantity(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


def test_bad_quantity() -> None:
    with pytest.raises(CelEvalError, match="quantities must match the regular expression"):
        ev("quantity('abc')")
    with pytest.raises(CelEvalError, match="cannot convert value to integer"):
        ev("quantity('1.5').asInteger()")
