"""The test runner on the fixture suites under tests/fixtures/kyverno-tests/, plus edge cases in tmp dirs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from argogate.errors import UsageError
from argogate.testrunner import Row, RunResult, Selector, discover, parse_selector, run, run_suite

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kyverno-tests"


def _table(rows: list[Row]) -> list[tuple[str, str, str, str, str]]:
    return [(r.rule, r.resource, r.expected, r.result, r.reason) for r in rows]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


POLICY = textwrap.dedent("""\
    apiVersion: kyverno.io/v1
    kind: ClusterPolicy
    metadata:
      name: require-team
    spec:
      rules:
      - name: check-team
        match:
          any:
          - resources:
              kinds: [Pod]
        validate:
          message: "team label required"
          pattern:
            metadata:
              labels:
                team: "?*"
    """)
PODS = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: labelled, labels: {team: a}}
    spec: {containers: [{name: c, image: nginx}]}
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data: {a: b}
    """)


def _suite(tmp_path: Path, results: str, extra: dict[str, str] | None = None) -> RunResult:
    test = f"""\
    apiVersion: cli.kyverno.io/v1alpha1
    kind: Test
    metadata:
      name: t
    policies: [policy.yaml]
    resources: [resources.yaml]
    results:
    {textwrap.indent(textwrap.dedent(results), "    ")}
    """
    _write(
        tmp_path, {"policy.yaml": POLICY, "resources.yaml": PODS, "kyverno-test.yaml": test, **(extra or {})}
    )
    return run([str(tmp_path)])


def test_passing_suite() -> None:
    res = run([str(FIXTURES / "passing")])
    assert [s.error for s in res.suites] == [None]
    assert _table(res.rows) == [
        ("check-team", "Pod/good-pod", "pass", "Pass", "Ok"),
        ("check-team", "shop/Pod/bad-pod", "fail", "Pass", "Ok"),
        ("check-team", "Pod/system-pod", "skip", "Pass", "Excluded"),
        ("check-team", "Deployment/good-deploy", "pass", "Pass", "Ok"),  # matched through autogen-check-team
        ("deny-latest", "Pod/good-pod", "pass", "Pass", "Ok"),
        ("deny-latest", "kube-system/Pod/system-pod", "pass", "Pass", "Ok"),
        ("deny-latest", "Pod/bad-pod", "fail", "Pass", "Ok"),
    ]
    assert res.counts() == {"pass": 6, "skip": 1, "fail": 0, "errors": 0}
    assert res.exit_code == 0


def test_wrong_expectations_fail_including_expected_fail_that_passed() -> None:
    res = run([str(FIXTURES / "wrong-expectation")])
    assert _table(res.rows) == [
        ("check-team", "Pod/good-pod", "pass", "Pass", "Ok"),
        ("check-team", "Pod/bad-pod", "pass", "Fail", "Want pass, got fail"),
        ("deny-latest", "Pod/good-pod", "fail", "Fail", "Want fail, got pass"),
        ("check-team", "Pod/missing-pod", "pass", "Fail", "Not found"),
    ]
    assert res.rows[1].actual == "fail" and "label `team` is required" in res.rows[1].message
    assert res.counts()["fail"] == 3
    assert res.exit_code == 1


def test_legacy_format_is_discovered_and_read() -> None:
    res = run([str(FIXTURES / "legacy")])
    assert [Path(s.path).name for s in res.suites] == ["test.yaml"]
    assert res.suites[0].name == "disallow-host-network"
    assert _table(res.rows) == [
        ("host-network", "apps/Pod/plain", "pass", "Pass", "Ok"),  # `resource` + `namespace` + `status`
        ("host-network", "Pod/host", "fail", "Pass", "Ok"),
    ]


def test_inline_values_and_values_file() -> None:
    res = run([str(FIXTURES / "values")])
    by_suite = {s.name: _table(s.rows) for s in res.suites}
    assert by_suite["max-replicas-inline-values"] == [
        ("max-replicas", "Deployment/small", "pass", "Pass", "Ok"),
        ("max-replicas", "Deployment/big-allowed", "pass", "Pass", "Ok"),  # per-resource value wins
        ("max-replicas", "Deployment/big", "fail", "Pass", "Ok"),
    ]
    assert [r.success for r in res.suites[1].rows] == [True, True, True]
    assert res.suites[1].rows[0].message == "at most 1 replicas are allowed"


def test_namespaced_policy_by_qualified_and_bare_name() -> None:
    res = run([str(FIXTURES / "namespaced-policy")])
    assert _table(res.rows) == [
        ("memory-requests", "team-a/Pod/with-requests", "pass", "Pass", "Ok"),
        ("memory-requests", "team-a/Pod/without-requests", "fail", "Pass", "Ok"),
        ("memory-requests", "team-b/Pod/without-requests", "skip", "Pass", "Excluded"),
    ]


def test_patched_and_generated_resources() -> None:
    res = run([str(FIXTURES / "mutate"), str(FIXTURES / "generate")])
    assert _table(res.rows) == [
        ("add-team-label", "apps/ConfigMap/settings", "pass", "Pass", "Ok"),
        ("create-config", "Namespace/shop", "pass", "Pass", "Ok"),
    ]


def test_patched_resource_diff_fails(tmp_path: Path) -> None:
    src = FIXTURES / "mutate"
    for f in ("policy.yaml", "resources.yaml", "kyverno-test.yaml"):
        (tmp_path / f).write_text((src / f).read_text())
    (tmp_path / "patched.yaml").write_text((src / "patched.yaml").read_text().replace("unowned", "someone"))
    row = run([str(tmp_path)]).rows[0]
    assert (row.success, row.reason) == (False, "Resource diff")
    assert "-    team: someone" in row.message and "+    team: unowned" in row.message


def test_generated_resource_missing_fails(tmp_path: Path) -> None:
    src = FIXTURES / "generate"
    for f in ("policy.yaml", "resources.yaml", "kyverno-test.yaml"):
        (tmp_path / f).write_text((src / f).read_text())
    (tmp_path / "generated.yaml").write_text(
        (src / "generated.yaml").read_text().replace("name: defaults", "name: other")
    )
    row = run([str(tmp_path)]).rows[0]
    assert (row.success, row.reason) == (False, "Resource diff")
    assert row.message == "Generated resource ConfigMap/shop/other was not generated"


def test_patched_file_missing_is_resource_error(tmp_path: Path) -> None:
    res = _suite(
        tmp_path,
        """\
        - {policy: require-team, rule: check-team, kind: Pod, resources: [labelled], result: pass, patchedResources: nope.yaml}
        """,
    )
    assert (res.rows[0].success, res.rows[0].reason) == (False, "Resource error")


@pytest.mark.parametrize(
    ("expected", "success", "reason"),
    [("skip", True, "Excluded"), ("pass", False, "Excluded"), ("fail", False, "Excluded")],
)
def test_no_result_passes_only_when_skip_expected(
    tmp_path: Path, expected: str, success: bool, reason: str
) -> None:
    res = _suite(
        tmp_path,
        f"- {{policy: require-team, rule: check-team, kind: ConfigMap, resources: [settings], result: {expected}}}\n",
    )
    row = res.rows[0]
    assert (row.success, row.reason, row.actual) == (success, reason, None)
    assert row.skipped is (expected == "skip")


@pytest.mark.parametrize(
    ("result_line", "reason", "message"),
    [
        (
            "{policy: require-team, rule: typo, kind: Pod, resources: [labelled], result: pass}",
            "Not found",
            "rule typo is not in policy require-team",
        ),
        (
            "{policy: nope, rule: check-team, kind: Pod, resources: [labelled], result: pass}",
            "Not found",
            "policy nope is not among the suite's policies",
        ),
        (
            "{policy: require-team, rule: check-team, kind: Deployment, resources: [labelled], result: pass}",
            "Not found",
            "resource Deployment/labelled is not among the suite's resources",
        ),
        (
            "{policy: require-team, rule: check-team, kind: Pod, resources: [other-ns/labelled], result: pass}",
            "Not found",
            "resource other-ns/Pod/labelled is not among the suite's resources",
        ),
        (
            "{policy: require-team, rule: check-team, resources: [labelled], result: pass}",
            "Not found",
            "the result has no `kind`, so no resource can match it",
        ),
    ],
)
def test_not_found(tmp_path: Path, result_line: str, reason: str, message: str) -> None:
    row = _suite(tmp_path, f"- {result_line}\n").rows[0]
    assert (row.success, row.reason, row.message) == (False, reason, message)


def test_namespace_qualified_resource_and_default_namespace(tmp_path: Path) -> None:
    res = _suite(
        tmp_path,
        "- {policy: require-team, rule: check-team, kind: Pod, resources: [default/labelled], result: pass}\n",
    )
    assert _table(res.rows) == [("check-team", "default/Pod/labelled", "pass", "Pass", "Ok")]


def test_unsupported_policy_kind_is_a_failure(tmp_path: Path) -> None:
    vpol = """\
        apiVersion: policies.kyverno.io/v1alpha1
        kind: DeletingPolicy
        metadata: {name: cel-check}
        spec: {conditions: [{expression: "true"}]}
        """
    res = _suite(
        tmp_path,
        "- {policy: cel-check, isValidatingPolicy: true, kind: Pod, resources: [labelled], result: pass}\n",
        {"policy.yaml": POLICY + "---\n" + textwrap.dedent(vpol)},
    )
    row = res.rows[0]
    assert (row.success, row.reason) == (False, "Unsupported")
    assert "DeletingPolicy" in row.message


def test_load_error_does_not_stop_other_suites(tmp_path: Path) -> None:
    _write(
        tmp_path / "bad",
        {
            "kyverno-test.yaml": """\
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            metadata: {name: bad}
            policies: [policy.yaml]
            resources: [resources.yaml]
            results:
            - {policy: p, rule: r, kind: Pod, resources: [x], result: passed}
            """
        },
    )
    res = run([str(tmp_path / "bad"), str(FIXTURES / "passing")])
    assert res.suites[0].error is not None and "`result` must be one of" in res.suites[0].error
    assert res.suites[1].error is None and len(res.suites[1].rows) == 7
    assert res.counts()["errors"] == 1 and res.exit_code == 1


def test_missing_policy_file_is_a_suite_error(tmp_path: Path) -> None:
    res = _suite(
        tmp_path,
        "- {policy: require-team, rule: check-team, kind: Pod, resources: [labelled], result: pass}\n",
    )
    (tmp_path / "policy.yaml").unlink()
    suite = run_suite(tmp_path / "kyverno-test.yaml")
    assert res.exit_code == 0
    assert suite.error is not None and "does not exist" in suite.error and suite.failed


def test_engine_crash_is_a_suite_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from argogate.engine import pipeline

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(pipeline.Engine, "evaluate", boom)
    res = run([str(FIXTURES / "passing")])
    assert res.suites[0].error == "internal error while evaluating: RuntimeError: kaput"
    assert res.exit_code == 1


def test_duplicate_resources_warn_and_first_wins(tmp_path: Path) -> None:
    dup = (
        PODS
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: labelled}\nspec: {containers: [{name: c, image: x}]}\n"
    )
    res = _suite(
        tmp_path,
        "- {policy: require-team, rule: check-team, kind: Pod, resources: [labelled], result: pass}\n",
        {"resources.yaml": dup},
    )
    assert _table(res.rows) == [("check-team", "Pod/labelled", "pass", "Pass", "Ok")]
    assert res.suites[0].warnings == ["found duplicated resource Pod labelled default"]


def test_selector() -> None:
    assert parse_selector("policy=require-*, rule=deny-latest") == Selector("require-*", "deny-latest", "*")
    with pytest.raises(UsageError):
        parse_selector("colour=blue")
    res = run([str(FIXTURES / "passing")], selector=parse_selector("rule=deny-*,resource=*good*"))
    assert _table(res.rows) == [("deny-latest", "Pod/good-pod", "pass", "Pass", "Ok")]


def test_discover(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a/.kyverno-test/kyverno-test.yaml": "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\n",
            "b/test.yaml": "name: x\npolicies: [p.yaml]\nresults: []\n",
            "c/test.yaml": "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n",  # not ours
            "d/other.yaml": "name: x\npolicies: [p.yaml]\nresults: []\n",
            ".git/kyverno-test.yaml": "kind: Test\n",
        },
    )
    found = [p.relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)])]
    assert found == ["a/.kyverno-test/kyverno-test.yaml", "b/test.yaml"]
    assert discover([str(tmp_path / "d" / "other.yaml")]) == [tmp_path / "d" / "other.yaml"]
    assert [p.name for p in discover([str(tmp_path)], ["test.yaml"])] == ["test.yaml"]
    with pytest.raises(UsageError):
        discover([str(tmp_path / "missing")])
