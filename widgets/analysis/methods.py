"""The names, titles and one-line explanations of the methods that find positive exceptions.

Kept apart from the methods themselves (which need pandas) so that a screen can list the
methods while the page loads without importing any heavy library.
"""

from __future__ import annotations

#: name -> (title, one plain line for a facilitator).
METHODS: dict[str, tuple[str, str]] = {
    "group-choice": (
        "Group choice",
        "The group picks the ones it knows that manage to avoid the problem.",
    ),
    "group-z": (
        "Best in similar circumstances",
        "Compares each one only with others in the same circumstances and picks those far "
        "better than the rest of their group (2 standard deviations by default).",
    ),
    "group-iqr": (
        "Best in similar circumstances (quartile rule)",
        "Compares each one with others in the same circumstances and picks those well beyond "
        "the usual range of their group; less thrown by a few extreme values.",
    ),
    "expected": (
        "Better than expected",
        "Works out what each one's circumstances would lead you to expect, and picks those "
        "that did much better than expected: expected to struggle, but did not.",
    ),
    "funnel": (
        "Rates with small numbers (funnel)",
        "Compares each rate with the overall rate, allowing for size, so that a small group "
        "is not picked just because of chance.",
    ),
}
