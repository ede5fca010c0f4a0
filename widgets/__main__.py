"""``python -m widgets``: the same as the ``hidden-insights`` command."""

from widgets.cli import main

raise SystemExit(main())
