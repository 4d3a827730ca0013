"""The `argogate` command: one entry point in front of a click group whose subcommands load lazily.

`argogate --help` must stay cheap, so subcommand modules, and the heavy libraries they use,
are imported only when that subcommand runs (`argogate.cli.group`). `argogate cmp generate`,
which Argo CD runs for every manifest generation of every gated app, does not even import
click: its import alone was a sixth of a plugin run. All errors end here: ArgogateError
prints its message and hint and exits with its code; anything else is an internal error
(exit 3) whose traceback is shown only with ARGOGATE_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from argogate.errors import EXIT_INTERNAL, EXIT_USAGE, ArgogateError


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if list(args) == ["cmp", "generate"]:
        return _guarded(_plugin_generate)
    return _guarded(lambda: _click_main(argv))


def _plugin_generate() -> int:
    import gc

    # a short run that allocates a great deal while importing and loading: the cyclic
    # collector would walk the growing heap again and again for garbage it never finds
    gc.disable()
    from argogate.argocd.plugin import run

    return run()


def _click_main(argv: list[str] | None) -> int:
    import click

    from argogate.cli.group import cli

    try:
        rv = cli.main(args=argv, prog_name="argogate", standalone_mode=False)
        return int(rv or 0)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        return 130


def _guarded(body: Callable[[], int]) -> int:
    try:
        return body()
    except ArgogateError as exc:
        sys.stderr.write(exc.render() + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a bare traceback
        if os.environ.get("ARGOGATE_DEBUG"):
            raise
        sys.stderr.write(f"error: internal error: {type(exc).__name__}: {exc}\n")
        sys.stderr.write("  hint: this is a bug in argogate; rerun with ARGOGATE_DEBUG=1 for a traceback and report it\n")
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


