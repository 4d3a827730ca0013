"""One error family for everything a user can get wrong or the environment can break.

    ArgogateError                 exit 2: bad input or an environment argogate cannot work in
    ├── UsageError                bad flags or arguments
    ├── ConfigError               .argogate.yaml, values files, userinfo files
    ├── PolicyLoadError           a policy or exception file is malformed or invalid
    ├── ResourceLoadError         a resource file cannot be read or parsed
    ├── RenderError               helm/kustomize/plain rendering failed
    │   └── ProcessError          a tool exited non-zero, timed out or is missing
    ├── GitError                  a ref, clone or checkout failed
    ├── ClusterError              the Kubernetes API could not be used
    ├── RegistryError             an OCI registry could not be used
    └── DeadlineExceeded          the internal deadline ran out

Exit 3 is kept for argogate's own bugs: any exception that is not an
ArgogateError (the CLI's last line of defence). A policy *violation* is never an
exception: it is a RuleResult in a Report (exit 1 when it blocks).
Every error carries a one-line message, an optional location (file:line) and a
hint telling the user what to do next; the CLI prints all three and no traceback.
"""

from __future__ import annotations

import os

EXIT_OK = 0
EXIT_POLICY_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class ArgogateError(Exception):
    exit_code = EXIT_USAGE
    default_hint = ""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint if hint is not None else self.default_hint

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def render(self) -> str:
        """The user-facing text: `error: file:line: message` then `hint: ...`."""
        head = f"{self.location}: {self.message}" if self.location else self.message
        text = f"error: {head}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class UsageError(ArgogateError):
    exit_code = EXIT_USAGE


class ConfigError(ArgogateError):
    exit_code = EXIT_USAGE


class PolicyLoadError(ArgogateError):
    exit_code = EXIT_USAGE
    default_hint = "fix the policy file; `argogate apply --help` lists the supported kinds"


class ResourceLoadError(ArgogateError):
    exit_code = EXIT_USAGE
    default_hint = "resources must be YAML or JSON Kubernetes objects with apiVersion, kind and metadata.name"


class RenderError(ArgogateError):
    pass


class ProcessError(RenderError):
    def __init__(
        self, cmd: list[str], returncode: int | None, stdout: str, stderr: str, *, hint: str | None = None
    ) -> None:
        self.cmd = cmd
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        what = "timed out" if returncode is None else f"exited {returncode}"
        # helm and kustomize print `Error: ...` (helm 4 over several lines), then advice such as
        # "Use --debug flag ...": report the error paragraph on one line
        lines = [ln.strip() for ln in stderr.strip().splitlines()]
        starts = [i for i, ln in enumerate(lines) if ln.startswith("Error:")]
        if starts:
            tail = lines[starts[-1] :]
            detail = " ".join(tail[: tail.index("")] if "" in tail else tail)
        else:
            detail = next((ln for ln in reversed(lines) if ln), "")
        shown = [os.path.basename(cmd[0]), *cmd[1:3]] if cmd else []  # the tool, not where it is installed
        super().__init__(f"`{' '.join(shown)}` {what}" + (f": {detail}" if detail else ""), hint=hint)


class GitError(ArgogateError):
    pass


class ClusterError(ArgogateError):
    pass


class RegistryError(ArgogateError):
    pass


class DeadlineExceeded(ArgogateError):
    default_hint = "raise ARGOGATE_DEADLINE or split the app; Argo CD kills plugins after 60 s"
