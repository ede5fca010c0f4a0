"""Write the illustrative example files in this folder (deterministic: same bytes every run).

    python examples/make_examples.py            # (re)write the files
    python examples/make_examples.py --check    # exit 1 if a file differs from a fresh build

For each example in :data:`widgets.examples.EXAMPLES` it writes ``<name>.json`` (an inquiry
file the kit can load) and ``<name>-units.csv`` (the units as a spreadsheet a group might
keep: id, outcome and circumstances, no private names).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from widgets.examples import EXAMPLES, build, units_table_rows  # noqa: E402


def inquiry_text(name: str) -> str:
    """The example as inquiry-file text, exactly as the kit writes it (``inquiry_file.dumps``).

    The file's ``exported_at`` is pinned to the example's last change so that the text is
    the same on every run.
    """
    inquiry = build(name)
    stamp = inquiry.updated_at[:19] + "+00:00"
    try:
        from widgets.files import inquiry_file
    except ImportError:  # the files module is not there: write its documented format
        document = {"format": "hidden-insights-inquiry", "version": 1, "exported_at": stamp,
                    "inquiry": inquiry.to_dict()}
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    else:
        with mock.patch.object(inquiry_file, "now", lambda: stamp):
            text = inquiry_file.dumps(inquiry)
    return text if text.endswith("\n") else text + "\n"


def units_csv_text(name: str) -> str:
    """The example's units as CSV text (comma separated, UTF-8, one header row)."""
    header, rows = units_table_rows(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def render() -> dict[str, str]:
    """File name -> text for every example file."""
    files: dict[str, str] = {}
    for name in EXAMPLES:
        files[f"{name}.json"] = inquiry_text(name)
        files[f"{name}-units.csv"] = units_csv_text(name)
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the example files; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare the files with a fresh build")
    parser.add_argument("--folder", type=Path, default=HERE, help="where to write the files")
    args = parser.parse_args(argv)
    stale = []
    for filename, text in render().items():
        path = args.folder / filename
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(filename)
            continue
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python examples/make_examples.py)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
