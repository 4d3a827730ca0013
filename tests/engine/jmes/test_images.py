"""image_normalize."""

from __future__ import annotations

import pytest

from argogate.engine.jmes import JMESError, search


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx", "docker.io/nginx:latest"),
        ("nginx:1.25", "docker.io/nginx:1.25"),
        ("library/nginx", "docker.io/library/nginx:latest"),
        ("ghcr.io/kyverno/kyverno:v1.11", "ghcr.io/kyverno/kyverno:v1.11"),
        ("localhost/app", "localhost/app:latest"),
        ("registry:5000/app", "registry:5000/app:latest"),
        ("nginx@sha256:" + "a" * 64, "docker.io/nginx@sha256:" + "a" * 64),
        ("nginx:1.0@sha256:" + "b" * 64, "docker.io/nginx@sha256:" + "b" * 64),
    ],
)
def test_image_normalize(image: str, expected: str) -> None:
    assert search("image_normalize(@)", image) == expected


def test_image_normalize_invalid() -> None:
    with pytest.raises(JMESError, match="image_normalize"):
        search("image_normalize(@)", "UPPER/Case:tag")
