"""Ports of go-wildcard v1 (kyverno pkg/utils/wildcard) and pkg/engine/wildcards tests."""

from __future__ import annotations

import pytest

from argogate.engine.wildcards import (
    contains_wildcard,
    expand_in_metadata,
    match,
    match_any,
    replace_in_selector,
)


@pytest.mark.parametrize(
    ("pattern", "text", "want"),
    [
        ("*", "s3:GetObject", True),
        ("", "s3:GetObject", False),
        ("", "", True),
        ("s3:*", "s3:ListMultipartUploadParts", True),
        ("s3:ListBucketMultipartUploads", "s3:ListBucket", False),
        ("s3:ListBucket", "s3:ListBucket", True),
        ("s3:ListBucketMultipartUploads", "s3:ListBucketMultipartUploads", True),
        ("my-bucket/oo*", "my-bucket/oo", True),
        ("my-bucket/In*", "my-bucket/India/Karnataka/", True),
        ("my-bucket/In*", "my-bucket/Karnataka/India/", False),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban", True),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban/Ban/Ban/Ban/Ban", True),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Area1/Area2/Area3/Ban", True),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban", True),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Bangalore", False),
        ("my-bucket/In*/Ka*/Ban*", "my-bucket/India/Karnataka/Bangalore", True),
        ("my-bucket/*", "my-bucket/India", True),
        ("my-bucket/oo*", "my-bucket/odo", False),
        ("my-bucket?/abc*", "mybucket/abc", False),
        ("my-bucket?/abc*", "my-bucket1/abc", True),
        ("my-?-bucket/abc*", "my--bucket/abc", False),
        ("my-?-bucket/abc*", "my-1-bucket/abc", True),
        ("my-?-bucket/abc*", "my-k-bucket/abc", True),
        ("my??bucket/abc*", "mybucket/abc", False),
        ("my??bucket/abc*", "my4abucket/abc", True),
        ("my-bucket?abc*", "my-bucket/abc", True),
        ("my-bucket/abc?efg", "my-bucket/abcdefg", True),
        ("my-bucket/abc?efg", "my-bucket/abc/efg", True),
        ("my-bucket/abc????", "my-bucket/abc", False),
        ("my-bucket/abc????", "my-bucket/abcde", False),
        ("my-bucket/abc????", "my-bucket/abcdefg", True),
        ("my-bucket/abc?", "my-bucket/abc", False),
        ("my-bucket/abc?", "my-bucket/abcd", True),
        ("my-bucket/abc?", "my-bucket/abcde", False),
        ("my-bucket/mnop*?", "my-bucket/mnop", False),
        ("my-bucket/mnop*?", "my-bucket/mnopqrst/mnopqr", True),
        ("my-bucket/mnop*?", "my-bucket/mnopq", True),
        ("my-bucket/mnop*?and", "my-bucket/mnopqand", True),
        ("my-bucket/mnop*?and", "my-bucket/mnopand", False),
        ("my-bucket/mnop*?and?", "my-bucket/mnopqanda", True),
        ("my-bucket/mnop*?and", "my-bucket/mnopqanda", False),
        ("my-?-bucket/abc*", "my-bucket/mnopqanda", False),
        ("my-bucket/mnop*??", "my-bucket/mnopqrst", True),
        # regex metacharacters are literal; '?' is one character, also a multi-byte one
        ("a.c", "abc", False),
        ("a+c[", "a+c[", True),
        ("?", "é", True),
        ("*", "", True),
        ("a*", "a\nb", True),
    ],
)
def test_match(pattern: str, text: str, want: bool) -> None:
    assert match(pattern, text) is want


def test_contains_wildcard_and_match_any() -> None:
    assert contains_wildcard("a*") and contains_wildcard("a?") and not contains_wildcard("a")
    assert match_any(["x", "n*"], "foo", "nginx")
    assert not match_any(["x"], "y")


def test_replace_in_selector() -> None:
    assert replace_in_selector({"app*": "n*", "tier": "web"}, {"application": "nginx"}) == {
        "application": "nginx",
        "tier": "web",
    }
    assert replace_in_selector({"app*": "x?"}, {"application": "nginx"}) == {"app0": "x0"}


def test_expand_in_metadata_keeps_anchors_and_values() -> None:
    pattern = {"metadata": {"=(annotations)": {"X(kubernetes.io/*)": "null", "plain": "v"}}}
    resource = {"metadata": {"annotations": {"kubernetes.io/foo": "1", "plain": "v"}}}
    assert expand_in_metadata(pattern, resource) == {
        "metadata": {"=(annotations)": {"X(kubernetes.io/foo)": "null", "plain": "v"}}
    }


def test_expand_in_metadata_is_a_copy_and_a_noop_without_wildcards() -> None:
    pattern = {"metadata": {"labels": {"a*": "b"}}}
    out = expand_in_metadata(pattern, {"metadata": {"labels": {"abc": "b"}}})
    assert out == {"metadata": {"labels": {"abc": "b"}}}
    assert pattern == {"metadata": {"labels": {"a*": "b"}}}
    plain = {"metadata": {"labels": {"a": "b"}}}
    assert expand_in_metadata(plain, {"metadata": {"labels": {"a": "b"}}}) is plain
    assert expand_in_metadata(pattern, {"spec": {}}) is pattern
    assert expand_in_metadata(pattern, {"metadata": {"labels": {"x": "y"}}}) == pattern
