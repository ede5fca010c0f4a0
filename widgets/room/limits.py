"""Limits for the participant routes: request sizes and token buckets, kept in memory.

A bucket holds up to ``capacity`` tokens and gains ``per_second`` back; each request takes
one. A phone may send a few things at once and then one every few seconds; a whole room has
a higher ceiling, so a script that drops its cookie to look like many phones is still held
by the room's bucket; wrong codes are counted per network address, so guessing codes is
hopeless (about 1.5e11 codes, about a guess a second).

Nothing here is stored: a restart forgets every bucket, which is fine for limits.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

#: The largest request body a participant route reads (a 280-character text in UTF-8 is at
#: most 1,120 bytes, form-encoded three times that; the rest is the other fields).
MAX_BODY = 8 * 1024


@dataclass
class Bucket:
    """A token bucket per key (a device, a room, an address)."""

    capacity: float
    per_second: float
    #: Keys kept at most (the least recently used are forgotten: a full bucket again).
    max_keys: int = 20_000

    def __post_init__(self) -> None:
        self._levels: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token for ``key``; False when its bucket is empty (slow down)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._levels.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.per_second)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._levels[key] = (tokens, now)
            while len(self._levels) > self.max_keys:
                self._levels.popitem(last=False)
            return allowed


@dataclass
class Limits:
    """The buckets of one server: per device, per room, and per address for wrong codes."""

    device: Bucket
    room: Bucket
    guesses: Bucket

    @classmethod
    def default(cls) -> Limits:
        """A phone: 8 at once, then one every 2 s. A room: 120 at once, then 25 a second
        (fifty phones sending ten things a minute use a third of it). Wrong codes: 200 at
        once, then one a second per address — generous, because on Binder every phone comes
        through one proxy address and a whole room reloads onto the closed page together, yet
        at a guess a second finding one open code among 1.5e11 takes thousands of years."""
        return cls(device=Bucket(8, 0.5), room=Bucket(120, 25), guesses=Bucket(200, 1))
