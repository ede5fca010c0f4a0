"""Join codes: what people type (or scan) to join an inquiry's room.

A code is :data:`LENGTH` characters drawn with :mod:`secrets` from :data:`ALPHABET`, which
leaves out every character that looks like another (0/O, 1/I/L, 2/Z, 5/S, 8/B), so a code
read off a projector is typed right the first time. 25 characters, 8 places: about 1.5e11
codes, so guessing one is hopeless within the handlers' rate limit.
"""

from __future__ import annotations

import hashlib
import re
import secrets

#: Digits and capital letters without look-alikes (no 0 O 1 I L 2 Z 5 S 8 B).
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 8
#: What separates the groups of a code as it is shown (people may type it, or not).
_SEPARATORS = re.compile(r"[\s\-‐-―−_.·]+")


def new_code() -> str:
    """A fresh random code, e.g. ``"K7QF3MXA"``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: object) -> str | None:
    """The code a person typed, as stored (upper case, without spaces or dashes), or None
    when it cannot be a code (wrong length, a character outside the alphabet)."""
    if not isinstance(typed, str) or len(typed) > 64:
        return None
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """A code as shown on the projector: two groups of four, ``"K7QF 3MXA"``."""
    return f"{code[:4]} {code[4:]}"


def join_path(code: str) -> str:
    """The participant route for a code, below the server's base URL: ``/room/K7QF3MXA``."""
    return f"/room/{code}"


def device_id(cookie: str) -> str:
    """The opaque id kept for a phone: a hash of its random cookie (the cookie itself is
    never stored, so the store cannot be used to act as that phone)."""
    return hashlib.sha256(("hidden-insights-room:" + cookie).encode()).hexdigest()[:32]
