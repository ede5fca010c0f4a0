"""What a phone was told is sent is kept: each contribution and each vote is one transaction,
and a server killed with SIGKILL right after it answered loses none."""

from __future__ import annotations

import json
import signal
import threading

import pytest
import requests
from room_server import phone_page, start

from widgets.store import Store, rooms

pytestmark = pytest.mark.both_backends


def test_a_contribution_that_fails_half_way_leaves_nothing(store, slug, monkeypatch):
    code = store.open_room(slug).code
    store.set_prompt(slug, "answer", "Q?")
    before = store.room_changes(slug)
    real = rooms._next

    def numbered_then_fail(conn, table, iid):
        real(conn, table, iid)
        raise RuntimeError("the process died here")

    monkeypatch.setattr(rooms, "_next", numbered_then_fail)
    with pytest.raises(RuntimeError):
        store.add_contribution(code, "answer", "lost?", "dev")
    monkeypatch.undo()
    assert store.contributions(slug) == [] and store.room_changes(slug) == before
    assert store.add_contribution(code, "answer", "kept", "dev").id == 1


def test_a_vote_that_fails_half_way_leaves_neither_ballot_nor_count(store, slug, monkeypatch):
    code = store.open_room(slug).code
    store.set_prompt(slug, "vote", "V?", choices=["a", "b"])
    store.cast_vote(code, "p1", 0)
    real = rooms._dumps

    def fail_on_counts(value):
        if isinstance(value, list) and all(isinstance(v, int) for v in value):
            raise RuntimeError("the process died after the ballot was written")
        return real(value)

    monkeypatch.setattr(rooms, "_dumps", fail_on_counts)
    with pytest.raises(RuntimeError):
        store.cast_vote(code, "p1", 1)  # the ballot changes first, then the counts
    with pytest.raises(RuntimeError):
        store.cast_vote(code, "p2", 1)
    monkeypatch.undo()
    assert store.poll_results(slug).counts == [1, 0]
    assert store.cast_vote(code, "p1", 1).counts == [0, 1]  # p1's ballot is still its first


def test_a_room_closed_while_phones_send_takes_nothing_after_the_close(store, store_url, slug):
    code = store.open_room(slug).code
    store.set_prompt(slug, "answer", "Q?")
    accepted: list[str] = []
    refused = threading.Event()
    others = [Store(store_url) for _ in range(3)]

    def phone(n: int, st: Store) -> None:
        for i in range(40):
            try:
                c = st.add_contribution(code, "answer", f"{n}-{i}", f"d{n}")
            except rooms.RoomClosed:
                refused.set()
                return
            accepted.append(c.at)

    threads = [threading.Thread(target=phone, args=(n, st)) for n, st in enumerate(others)]
    try:
        for t in threads:
            t.start()
        store.close_room(slug)
        for t in threads:
            t.join()
    finally:
        for st in others:
            st.close()
    closed_at = store.room(slug).closed_at
    stored = store.contributions(slug)
    assert sorted(c.at for c in stored) == sorted(accepted)  # every "sent" is there
    assert all(c.at < closed_at for c in stored)  # and none came in after the close


def test_a_server_killed_right_after_answering_loses_nothing(tmp_path):
    """The server's store is the SQLite file of its data folder (the kit's default), or the
    PostgreSQL pass's database."""
    server = start(tmp_path / "srv")
    db_url = server.store_url
    try:
        st = Store(db_url)
        slug = st.create_inquiry("Killed")
        code = st.open_room(slug).code
        st.set_prompt(slug, "answer", "Q?")
        st.close()
        answered = []
        for n in range(10):  # ten phones, five each (within each phone's rate limit)
            phone = requests.Session()
            _page, xsrf = phone_page(phone, server, code)
            for i in range(5):
                text = f"phone {n} says {i} " + json.dumps({"n": n, "i": i})
                r = phone.post(f"{server.url}/room/{code}/answer",
                               data={"_xsrf": xsrf, "text": text}, allow_redirects=False,
                               timeout=30)
                assert r.status_code == 303, r.text[:300]
                answered.append(text)
    finally:
        server.kill(signal.SIGKILL)  # right after the last answer: no clean shutdown
    assert server.process.returncode == -signal.SIGKILL
    again = Store(db_url)
    try:
        assert sorted(c.text for c in again.contributions(slug)) == sorted(answered)
        assert len(answered) == 50
    finally:
        again.close()
