"""One error family for everything a user can get wrong or the environment can break.

    ArgogateError                 exit 3 unless a subclass says otherwise
    ├── UsageError                exit 2: bad flags or arguments
    ├── ConfigError               exit 2: .argogate.yaml, values files, userinfo files
    ├── PolicyLoadError           exit 2: a policy or exception file is malformed or invalid
    ├── ResourceLoadError         exit 2: a resource file cannot be read or parsed
    ├── RenderError               exit 3: helm/kustomize/plain rendering failed
    │   └── ProcessError          a tool exited non-zero, timed out or is missing
    ├── GitError                  exit 3: a ref, clone or checkout failed
    ├── ClusterError              exit 3: the Kubernetes API could not be used
    ├── RegistryError             exit 3: an OCI registry could not be used
    └── DeadlineExceeded          exit 3: the internal deadline ran out

A policy *violation* is never an exception: it is a RuleResult in a Report.
Every error carries a one-line message, an optional location (file:line) and a
hint telling the user what to do next; the CLI prints all three and no traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_POLICY_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class ArgogateError(Exception):
    exit_code = EXIT_INTERNAL
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
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        super().__init__(f"`{' '.join(cmd[:3])}` {what}" + (f": {detail}" if detail else ""), hint=hint)


class GitError(ArgogateError):
    pass


class ClusterError(ArgogateError):
    pass


class RegistryError(ArgogateError):
    pass


class DeadlineExceeded(ArgogateError):
    default_hint = "raise ARGOGATE_DEADLINE or split the app; Argo CD kills plugins after 60 s"
