"""``hidden-insights app``: the app (Voila on the kit's Jupyter server) on this computer."""

from __future__ import annotations

import argparse
import os

from widgets.cli import subcommand
from widgets.cli.common import CliError


def _app_arguments(parser: argparse.ArgumentParser) -> None:
    from widgets.app import add_arguments

    add_arguments(parser, browser_by_default=True)


@subcommand("app", "start the app (Voila on a Jupyter server) on this computer",
            _app_arguments)
def cmd_app(args: argparse.Namespace) -> int:
    """Replace this process with the app's server (binds to 127.0.0.1; --room: the network)."""
    from widgets.app import LaunchError, plan_from_args

    try:
        launch = plan_from_args(args, "cli")
    except LaunchError as e:
        raise CliError(str(e)) from None
    for line in launch.lines:
        print(line, flush=True)
    try:
        os.execvpe(launch.command[0], launch.command, {**os.environ, **launch.env})
    except FileNotFoundError:
        raise CliError(f"cannot start {launch.command[0]!r}: it is not installed") from None
    return 0  # only reached when execvpe is replaced (tests)
