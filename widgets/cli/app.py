"""``hidden-insights app``: the app (Voila) on this computer."""

from __future__ import annotations

import argparse
import importlib
import os

from widgets.cli import subcommand
from widgets.cli.common import CliError


def _app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8866, help="the port (default 8866)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser window")


@subcommand("app", "start the app (Voila) on this computer", _app_arguments)
def cmd_app(args: argparse.Namespace) -> int:
    """Replace this process with Voila serving the kit (binds to 127.0.0.1)."""
    try:
        from widgets.app import voila_command, voila_env
    except ImportError:
        raise CliError("the app is not available in this installation") from None
    from widgets.paths import DATA_ENV, data_dir

    if not 0 < args.port < 65536:
        raise CliError(f"the port must be between 1 and 65535, not {args.port}")
    app = importlib.import_module("widgets.app")
    # Voila's own message for a busy port does not say what to do: check first.
    if hasattr(app, "port_in_use") and app.port_in_use(args.port):
        raise CliError(app.busy_port_message(args.port, "cli"))
    command = voila_command(port=args.port, open_browser=not args.no_browser)
    env = dict(os.environ)
    env.update(voila_env())
    # The kernels start in the notebooks folder; pin the data folder this command uses.
    env.setdefault(DATA_ENV, str(data_dir().resolve()))
    try:
        from widgets.app import start_url
    except ImportError:
        print("Starting: " + " ".join(command), flush=True)
    else:
        print(f"Hidden Insights: open {start_url(args.port)}  (Ctrl+C to stop)", flush=True)
    try:
        os.execvpe(command[0], command, env)
    except FileNotFoundError:
        raise CliError(f"cannot start {command[0]!r}: it is not installed") from None
    return 0  # only reached when execvpe is replaced (tests)
