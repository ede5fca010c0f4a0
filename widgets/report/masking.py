"""The private names masker: no unit's private name ever appears in the report.

The units are read without their private names (``include_private=False``), and any free
text that repeats one (a note, a practice, the issue) is masked: :func:`masker` makes the
masking function from an inquiry, :func:`mask_all` applies it to every string of the
report's contents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from widgets.model import Inquiry

#: Private names shorter than this are not searched for in free text: a two-letter name
#: would mask ordinary words. (No private name is ever read from the units.)
MIN_MASKED = 3
#: What a private name in free text becomes.
MASK = "[name withheld]"
#: A word, as names are matched: whatever is between the words does not matter.
WORD = re.compile(r"\w+")


def masker(inquiry: Inquiry) -> Callable[[str], str]:
    """A function that masks any unit's private name in free text.

    Names are matched as whole words, in any case and with any punctuation or spacing
    between their words ("mary  JONES" and "Mary-Jones" both match "Mary Jones"). A word
    list and a set are used rather than one big regular expression, so thousands of names
    cost no more than a few. Masking too much is the safe side: a private name that is also
    an ordinary word ("May") masks that word too.
    """
    names: set[tuple[str, ...]] = set()
    for unit in inquiry.units:
        text = (unit.private_name or "").strip()
        if len(text) >= MIN_MASKED:
            words = tuple(w.casefold() for w in WORD.findall(text))
            if words:
                names.add(words)
    if not names:
        return lambda text: text
    lengths = sorted({len(n) for n in names}, reverse=True)

    def mask(text: str) -> str:
        tokens = list(WORD.finditer(text))
        words = [t.group().casefold() for t in tokens]
        out, last, i = [], 0, 0
        while i < len(tokens):
            for size in lengths:
                # A slice past the end is shorter than ``size`` and may equal a shorter
                # name: only whole windows count (else the text's last words would mask
                # past its end).
                if i + size <= len(words) and tuple(words[i:i + size]) in names:
                    out += [text[last:tokens[i].start()], MASK]
                    last = tokens[i + size - 1].end()
                    i += size
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    return mask


def mask_all(value: Any, mask: Callable[[str], str]) -> Any:
    """``value`` (strings, lists and dicts of them) with ``mask`` applied to every string."""
    if isinstance(value, str):
        # Figures are base64 data: nothing to mask, and they are long.
        return value if value.startswith("data:image/") else mask(value)
    if isinstance(value, dict):
        return {k: mask_all(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_all(v, mask) for v in value]
    return value
