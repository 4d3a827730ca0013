"""Seeded, generated inputs for the benchmarks: manifests, a Helm chart, a monorepo.

Realistic variety rather than one object copied N times: Deployments,
StatefulSets, DaemonSets, CronJobs, Services, Namespaces and Ingresses with
varying container counts, images, labels and security settings. About a third
of the objects violate at least one of the bench policies (latest tag, missing
limits or labels, NodePort, empty Ingress host, CRI socket mount, default
namespace, image from a registry outside the allow-list). The same seed always
gives the same bytes, so runs are comparable.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

KINDS = (
    ("Deployment", 30),
    ("StatefulSet", 10),
    ("DaemonSet", 6),
    ("CronJob", 8),
    ("Service", 26),
    ("Namespace", 8),
    ("Ingress", 12),
)
TEAMS = ("payments", "search", "identity", "platform", "data", "checkout")
GOOD_REGISTRIES = ("registry.example.com", "ghcr.io/example-org")
BAD_IMAGES = ("nginx:latest", "docker.io/library/redis", "quay.io/acme/app:1.0", "busybox")
APPS = ("api", "web", "worker", "cache", "db", "gateway", "indexer", "auth", "billing", "mailer")


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.n = 0

    def _bad(self) -> bool:
        return self.r.random() < 0.34

    def _name(self) -> str:
        self.n += 1
        return f"{self.r.choice(APPS)}-{self.n}"

    def _ns(self, bad: bool) -> str:
        if bad and self.r.random() < 0.2:
            return "default"
        return f"{self.r.choice(TEAMS)}-{self.r.choice(('prod', 'staging', 'dev'))}"

    def _labels(self, name: str, bad: bool) -> dict[str, str]:
        labels = {"app.kubernetes.io/name": name, "app": name}
        if not (bad and self.r.random() < 0.4):
            labels.update(
                team=self.r.choice(TEAMS),
                environment=self.r.choice(("prod", "staging")),
                **{"cost-centre": f"cc-{self.r.randint(100, 999)}"},
            )
        return labels

    def _image(self, bad: bool) -> str:
        if bad and self.r.random() < 0.5:
            return self.r.choice(BAD_IMAGES)
        return f"{self.r.choice(GOOD_REGISTRIES)}/{self.r.choice(APPS)}:{self.r.randint(1, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"

    def _container(self, name: str, bad: bool) -> dict[str, Any]:
        c: dict[str, Any] = {
            "name": name,
            "image": self._image(bad),
            "ports": [{"containerPort": self.r.choice((80, 8080, 9090, 5432)), "protocol": "TCP"}],
            "env": [
                {"name": f"VAR_{i}", "value": str(self.r.randint(0, 10**6))}
                for i in range(self.r.randint(0, 5))
            ],
        }
        if not (bad and self.r.random() < 0.4):
            c["resources"] = {
                "requests": {
                    "cpu": f"{self.r.choice((50, 100, 250, 500))}m",
                    "memory": f"{self.r.choice((64, 128, 256, 512))}Mi",
                },
                "limits": {"memory": f"{self.r.choice((256, 512, 1024))}Mi"},
            }
        if not (bad and self.r.random() < 0.4):
            c["securityContext"] = {
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
            }
        if self.r.random() < 0.5:
            c["livenessProbe"] = {
                "httpGet": {"path": "/healthz", "port": c["ports"][0]["containerPort"]},
                "periodSeconds": 10,
            }
        return c

    def _pod_spec(self, name: str, bad: bool) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "containers": [
                self._container(name if i == 0 else f"{name}-side{i}", bad)
                for i in range(self.r.choice((1, 1, 1, 2, 3)))
            ]
        }
        if self.r.random() < 0.2:
            spec["initContainers"] = [self._container(f"{name}-init", bad)]
        vols = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
        if bad and self.r.random() < 0.1:
            vols.append({"name": "cri", "hostPath": {"path": "/var/run/containerd/containerd.sock"}})
        spec["volumes"] = vols
        spec["serviceAccountName"] = name
        return spec

    def _meta(self, name: str, bad: bool, namespaced: bool = True) -> dict[str, Any]:
        md: dict[str, Any] = {"name": name, "labels": self._labels(name, bad)}
        if namespaced:
            md["namespace"] = self._ns(bad)
        return md

    def workload(self, kind: str) -> dict[str, Any]:
        bad = self._bad()
        name = self._name()
        tmpl = {"metadata": {"labels": {"app": name}}, "spec": self._pod_spec(name, bad)}
        api = "batch/v1" if kind == "CronJob" else "apps/v1"
        spec: dict[str, Any]
        if kind == "CronJob":
            spec = {
                "schedule": f"{self.r.randint(0, 59)} * * * *",
                "jobTemplate": {
                    "spec": {"template": {**tmpl, "spec": {**tmpl["spec"], "restartPolicy": "OnFailure"}}}
                },
            }
        else:
            spec = {"selector": {"matchLabels": {"app": name}}, "template": tmpl}
            if kind != "DaemonSet":
                spec["replicas"] = self.r.randint(1, 5)
            if kind == "StatefulSet":
                spec["serviceName"] = name
        return {"apiVersion": api, "kind": kind, "metadata": self._meta(name, bad), "spec": spec}

    def service(self) -> dict[str, Any]:
        bad = self._bad()
        name = self._name()
        typ = (
            "NodePort"
            if bad and self.r.random() < 0.5
            else self.r.choice(("ClusterIP", "ClusterIP", "LoadBalancer"))
        )
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": self._meta(name, bad),
            "spec": {
                "type": typ,
                "selector": {"app": name},
                "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
            },
        }

    def namespace(self) -> dict[str, Any]:
        bad = self._bad()
        name = f"{self.r.choice(TEAMS)}-{self._name()}"
        md = self._meta(name, bad, namespaced=False)
        if not bad:
            md["labels"]["environment"] = self.r.choice(("production", "staging"))
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": md}

    def ingress(self) -> dict[str, Any]:
        bad = self._bad()
        name = self._name()
        rule: dict[str, Any] = {
            "http": {
                "paths": [
                    {
                        "path": "/",
                        "pathType": "Prefix",
                        "backend": {"service": {"name": name, "port": {"number": 80}}},
                    }
                ]
            }
        }
        if not (bad and self.r.random() < 0.6):
            rule["host"] = f"{name}.example.com"
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": self._meta(name, bad),
            "spec": {"rules": [rule]},
        }

    def one(self) -> dict[str, Any]:
        kind = self.r.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        if kind == "Service":
            return self.service()
        if kind == "Namespace":
            return self.namespace()
        if kind == "Ingress":
            return self.ingress()
        return self.workload(kind)

    def many(self, n: int) -> list[dict[str, Any]]:
        return [self.one() for _ in range(n)]


def dump(docs: list[dict[str, Any]]) -> str:
    return yaml.dump_all(docs, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def write_manifests(out: Path, n: int, seed: int = 42, per_file: int = 50) -> list[Path]:
    """`n` objects in files of `per_file` documents each under `out` (recreated)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    docs = Gen(seed).many(n)
    files = []
    for i in range(0, n, per_file):
        f = out / f"manifests-{i // per_file:04d}.yaml"
        f.write_text(dump(docs[i : i + per_file]), encoding="utf-8")
        files.append(f)
    return files


def write_chart(out: Path, n_objects: int = 50, seed: int = 7) -> Path:
    """A Helm chart rendering `n_objects` objects, templated the way real charts are (values, helpers, loops)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "templates").mkdir(parents=True)
    (out / "Chart.yaml").write_text("apiVersion: v2\nname: benchapp\nversion: 1.2.3\nappVersion: '4.5.6'\n")
    g = Gen(seed)
    n_services = n_objects // 3
    n_workloads = n_objects - n_services
    components = []
    for i in range(n_workloads):
        bad = g._bad()
        components.append(
            {
                "name": f"comp{i}",
                "kind": g.r.choice(("Deployment", "Deployment", "StatefulSet")),
                "image": g._image(bad),
                "replicas": g.r.randint(1, 4),
                "resources": bool(not (bad and g.r.random() < 0.5)),
                "service": i < n_services,
            }
        )
    values = {"team": "payments", "environment": "prod", "costCentre": "cc-123", "components": components}
    (out / "values.yaml").write_text(yaml.safe_dump(values, sort_keys=False))
    (out / "templates" / "_helpers.tpl").write_text(
        '{{- define "benchapp.labels" -}}\n'
        "app.kubernetes.io/managed-by: {{ .Release.Service }}\n"
        "helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n"
        "team: {{ .Values.team }}\nenvironment: {{ .Values.environment }}\ncost-centre: {{ .Values.costCentre }}\n"
        "{{- end -}}\n"
    )
    (out / "templates" / "workloads.yaml").write_text(
        "{{- range .Values.components }}\n---\n"
        "apiVersion: apps/v1\nkind: {{ .kind }}\nmetadata:\n  name: {{ $.Release.Name }}-{{ .name }}\n"
        '  labels:\n    {{- include "benchapp.labels" $ | nindent 4 }}\n    app: {{ .name }}\n'
        'spec:\n  replicas: {{ .replicas }}\n  {{- if eq .kind "StatefulSet" }}\n  serviceName: {{ .name }}\n  {{- end }}\n'
        "  selector:\n    matchLabels:\n      app: {{ .name }}\n"
        "  template:\n    metadata:\n      labels:\n        app: {{ .name }}\n    spec:\n      containers:\n"
        "        - name: {{ .name }}\n          image: {{ .image | quote }}\n"
        "          securityContext:\n            readOnlyRootFilesystem: true\n            allowPrivilegeEscalation: false\n"
        "            capabilities:\n              drop: [ALL]\n"
        "          {{- if .resources }}\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
        "            limits: {memory: 256Mi}\n          {{- end }}\n"
        "{{- end }}\n"
    )
    (out / "templates" / "services.yaml").write_text(
        "{{- range .Values.components }}{{- if .service }}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ $.Release.Name }}-{{ .name }}\n"
        '  labels:\n    {{- include "benchapp.labels" $ | nindent 4 }}\n'
        "spec:\n  selector:\n    app: {{ .name }}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
        "{{- end }}{{- end }}\n"
    )
    return out


def write_monorepo(out: Path, n_apps: int = 200, seed: int = 11, objects_per_app: int = 8) -> Path:
    """A Git repository of `n_apps` apps, a third each plain, Kustomize and Helm, with policies committed."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    g = Gen(seed)
    for i in range(n_apps):
        style = ("plain", "kustomize", "helm")[i % 3]
        app = out / "apps" / f"app{i:03d}"
        docs = g.many(objects_per_app)
        if style == "plain":
            app.mkdir(parents=True)
            (app / "manifests.yaml").write_text(dump(docs))
        elif style == "kustomize":
            (app / "base").mkdir(parents=True)
            (app / "base" / "resources.yaml").write_text(dump(docs))
            (app / "base" / "kustomization.yaml").write_text("resources:\n  - resources.yaml\n")
            (app / "kustomization.yaml").write_text(
                f"resources:\n  - base\ncommonLabels:\n  bench-app: app{i:03d}\n"
            )
        else:
            (app / "templates").mkdir(parents=True)
            (app / "Chart.yaml").write_text(f"apiVersion: v2\nname: app{i:03d}\nversion: 0.1.0\n")
            (app / "values.yaml").write_text(json.dumps({"replicas": 2}) + "\n")
            (app / "templates" / "all.yaml").write_text(dump(docs).replace("{{", "{{ `{{` }}"))
    repo_url = "https://git.example.com/bench/monorepo.git"
    (out / ".argogate.yaml").write_text(f"repoURL: {repo_url}\npolicies: [policies/]\n")
    apps = [
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": f"app{i:03d}", "namespace": "argocd"},
            "spec": {
                "project": "default",
                "source": {"repoURL": repo_url, "targetRevision": "HEAD", "path": f"apps/app{i:03d}"},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": f"team-{i % 7}"},
            },
        }
        for i in range(n_apps)
    ]
    (out / "argocd").mkdir()
    (out / "argocd" / "applications.yaml").write_text(dump(apps))
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    return out


def git_commit(repo: Path, message: str) -> str:
    env_args = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *env_args, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", *env_args, "-C", str(repo), "commit", "-q", "-m", message], check=True)
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def write_plugin_repo(out: Path, policies: Path, n_objects: int = 50) -> Path:
    """A Git repository holding the bench policies and one Helm app (`apps/benchapp`)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(policies, out / "policies")
    write_chart(out / "apps" / "benchapp", n_objects)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    git_commit(out, "plugin bench")
    return out
