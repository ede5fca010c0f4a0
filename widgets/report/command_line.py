"""``hidden-insights report SLUG -o report.html``: the report from the command line."""

from __future__ import annotations

from pathlib import Path

from widgets.report.rendering import build_report


def _arguments(parser) -> None:
    parser.add_argument("slug", help="the inquiry to report on")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the HTML file to write (e.g. report.html)")


def register() -> None:
    """Add the ``report`` subcommand to the command line (when it is installed)."""
    try:
        from widgets.cli import subcommand
    except ImportError:  # pragma: no cover - the command line is optional
        return

    @subcommand("report", "write the report of an inquiry as one HTML file", _arguments)
    def cmd_report(args) -> int:
        from widgets.cli import CliError, open_cli_store, printable, write_file

        if Path(args.output).suffix.lower() not in (".html", ".htm"):
            raise CliError(f"cannot write a report to {args.output!r}: the file name must "
                           "end in .html")
        store = open_cli_store()
        try:
            inquiry = store.get(args.slug)
        finally:
            store.close()
        data = build_report(inquiry).encode("utf-8")
        write_file(args.output, data)
        print(f"Wrote {printable(args.output)} ({len(data):,} bytes).")
        return 0
