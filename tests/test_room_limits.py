"""The room's token buckets (widgets/room/limits.py)."""

from __future__ import annotations

from widgets.room.limits import Bucket, Limits


def test_a_bucket_lets_a_burst_through_then_one_per_refill():
    bucket = Bucket(capacity=3, per_second=0.5)
    assert [bucket.allow("phone", now=100.0) for _ in range(4)] == [True, True, True, False]
    assert not bucket.allow("phone", now=101.0)  # half a token back: not yet
    assert bucket.allow("phone", now=102.5)  # one token back after two seconds
    assert not bucket.allow("phone", now=102.5)
    assert bucket.allow("another phone", now=102.5)  # each key has its own bucket


def test_a_bucket_never_holds_more_than_its_capacity():
    bucket = Bucket(capacity=2, per_second=10)
    bucket.allow("k", now=0.0)
    assert [bucket.allow("k", now=1000.0) for _ in range(3)] == [True, True, False]


def test_a_bucket_forgets_the_oldest_keys_beyond_its_size():
    bucket = Bucket(capacity=1, per_second=0.001, max_keys=3)
    for key in "abcd":
        assert bucket.allow(key, now=0.0)
    assert len(bucket._levels) == 3
    assert bucket.allow("a", now=0.0)  # forgotten, so full again
    assert not bucket.allow("d", now=0.0)


def test_the_default_limits_fit_a_meeting():
    limits = Limits.default()
    # fifty phones sending ten things a minute stay well inside the room's limit
    allowed = [limits.room.allow("room", now=t * 60 / 500) for t in range(500)]
    assert all(allowed)
    # one phone may send a few at once, not dozens
    burst = [limits.device.allow("phone", now=0.0) for _ in range(30)]
    assert 3 <= burst.count(True) <= 10
    # a whole room behind one address (Binder's proxy) reaches the closed page together
    assert all(limits.guesses.allow("proxy", now=0.0) for _ in range(100))
    # but guessing goes at about one code a second
    tries = [limits.guesses.allow("1.2.3.4", now=t / 10) for t in range(10_000)]
    assert tries.count(True) <= 200 + 1000 + 1
