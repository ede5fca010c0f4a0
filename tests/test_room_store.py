"""The room in the store (widgets.store.rooms): codes, prompts, contributions, votes, taking
into the inquiry. Every test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select, text

from widgets import join_codes as codes
from widgets.files import inquiry_file
from widgets.model import (
    MAX_CONTRIBUTION,
    Contribution,
    ModelError,
    Poll,
    Practice,
    Room,
    StepNote,
    Unit,
)
from widgets.store import NotFound, Store
from widgets.store import schema as s
from widgets.store.rooms import RoomClosed

pytestmark = pytest.mark.both_backends


@pytest.fixture
def room(store, slug) -> Room:
    """The test inquiry's room, open."""
    return store.open_room(slug, by="Fran")


def _history(store, slug):
    return store.history(slug)[-1]


# ---------------------------------------------------------------------- codes


def test_codes_use_no_look_alikes_and_normalise_what_people_type():
    for bad in "0O1IL2Z5S8B":
        assert bad not in codes.ALPHABET
    seen = {codes.new_code() for _ in range(500)}
    assert len(seen) == 500
    assert all(len(c) == codes.LENGTH >= 8 and set(c) <= set(codes.ALPHABET) for c in seen)
    assert codes.normalise(" k7qf-3mxa ") == "K7QF3MXA"
    assert codes.normalise("K7QF 3MXA") == "K7QF3MXA"
    assert codes.normalise("k7qf–3mxa") == "K7QF3MXA"  # an en dash from a phone keyboard
    for wrong in ("", "K7QF3MX", "K7QF3MXAA", "K7QF3MX0", "../../etc", None, 12345678,
                  "K" * 1000):
        assert codes.normalise(wrong) is None
    assert codes.display("K7QF3MXA") == "K7QF 3MXA"
    assert codes.join_path("K7QF3MXA") == "/room/K7QF3MXA"
    assert codes.device_id("cookie") != codes.device_id("cookie2")
    assert "cookie" not in codes.device_id("cookie")


# ---------------------------------------------------------------------- opening and closing


def test_opening_gives_a_code_and_is_logged(store, slug, room):
    assert room.is_open and room.prompt == "none" and room.opened_by == "Fran"
    assert codes.normalise(room.code) == room.code
    assert store.room(slug) == room
    assert store.room_by_code(room.code.lower()) == (slug, room)
    assert store.room_by_code(codes.display(room.code)) == (slug, room)
    assert _history(store, slug).change == "opened the room"


def test_opening_again_closes_the_old_code_at_once(store, slug, room):
    again = store.open_room(slug, by="Fran")
    assert again.code != room.code and again.id == room.id + 1
    assert store.room_by_code(room.code) is None
    assert store.room_by_code(again.code) == (slug, again)
    with pytest.raises(RoomClosed):
        store.add_contribution(room.code, "answer", "late", "dev")
    with store.engine.connect() as conn:
        open_rooms = conn.execute(select(func.count()).select_from(s.rooms)
                                  .where(s.rooms.c.closed_at == "")).scalar()
    assert open_rooms == 1


def test_closing_stops_the_code_and_a_second_close_says_so(store, slug, room):
    assert store.close_room(slug, by="Fran") is True
    assert store.room_by_code(room.code) is None
    assert not store.room(slug).is_open
    assert store.close_room(slug) is False
    assert [h.change for h in store.history(slug)].count("closed the room") == 1
    with pytest.raises(RoomClosed) as e:
        store.add_contribution(room.code, "answer", "hi", "dev")
    # a closed room and a wrong code say exactly the same thing
    with pytest.raises(RoomClosed) as wrong:
        store.add_contribution("K7QF3MXA", "answer", "hi", "dev")
    assert str(e.value) == str(wrong.value)


def test_a_room_is_stored_and_survives_reopening_the_store(store_url, store, slug, room):
    store.set_prompt(slug, "answer", "Who manages?", seconds=180, step=2)
    store.close()
    again = Store(store_url)
    try:
        found = again.room(slug)
        assert found.code == room.code and found.prompt == "answer" and found.step == 2
        assert 170 <= found.seconds_left() <= 180
    finally:
        again.close()


def test_an_inquiry_without_a_room(store, slug):
    assert store.room(slug) is None
    assert store.poll_results(slug) is None
    assert store.contributions(slug) == []
    with pytest.raises(ModelError, match="Open the room first"):
        store.set_prompt(slug, "answer", "Anyone?")
    with pytest.raises(NotFound):
        store.open_room("no-such-inquiry")


# ---------------------------------------------------------------------- prompts


def test_the_prompt_decides_what_may_be_sent(store, slug, room):
    with pytest.raises(ModelError, match="not asking for answers"):
        store.add_contribution(room.code, "answer", "too early", "dev")
    store.set_prompt(slug, "practice", "What do you do?")
    with pytest.raises(ModelError, match="not asking for answers"):
        store.add_contribution(room.code, "answer", "wrong kind", "dev")
    with pytest.raises(ModelError, match="no vote"):
        store.cast_vote(room.code, "dev", 0)
    got = store.add_contribution(room.code, "practice", "We eat together", "dev",
                                 detail="every Sunday", nickname=" Jo ")
    assert (got.kind, got.detail, got.nickname, got.status) == (
        "practice", "every Sunday", "Jo", "new")
    assert store.contributions(slug) == [got]


@pytest.mark.parametrize("kwargs, words", [
    (dict(kind="shout"), "Choose what the room may do"),
    (dict(kind="vote", choices=["only one"]), "at least two"),
    (dict(kind="vote", choices=["a", "A"]), "there twice"),
    (dict(kind="vote", choices=None), "Give the choices"),
    (dict(kind="answer", choices=["a", "b"]), "Only a vote"),
    (dict(kind="answer", seconds=0), "countdown"),
    (dict(kind="answer", seconds=10**9), "countdown"),
    (dict(kind="answer", seconds="3"), "countdown"),
    (dict(kind="answer", question="x" * 501), "too long"),
    (dict(kind="answer", step=4), "step 1, 2 or 3"),
])
def test_bad_prompts_are_refused_plainly_and_change_nothing(store, slug, room, kwargs, words):
    before, kwargs = store.room(slug), dict(kwargs)
    with pytest.raises(ModelError, match=words):
        store.set_prompt(slug, kwargs.pop("kind"), kwargs.pop("question", "Q?"), **kwargs)
    assert store.room(slug) == before


def test_a_countdown_ends_at_one_time_for_everyone(store, slug, room):
    r = store.set_prompt(slug, "answer", "Three minutes", seconds=180)
    assert r.ends_at and r.seconds_left(r.ends_at) == 0
    assert 175 <= r.seconds_left() <= 180
    assert store.set_prompt(slug, "answer", "No clock").ends_at == ""
    assert store.room(slug).seconds_left() is None


# ---------------------------------------------------------------------- contributions


@pytest.mark.parametrize("text, words", [
    ("", "cannot be empty"), ("   ", "cannot be empty"),
    ("x" * (MAX_CONTRIBUTION + 1), "too long (281 characters; at most 280)"),
    ("a\x00b", "cannot be stored"), (None, "cannot be empty"), (42, "must be text"),
])
def test_bad_text_is_refused_with_a_plain_message(store, slug, room, text, words):
    store.set_prompt(slug, "answer", "Q?")
    with pytest.raises(ModelError, match=words.replace("(", r"\(").replace(")", r"\)")):
        store.add_contribution(room.code, "answer", text, "dev")
    assert store.contributions(slug) == []


def test_exactly_280_characters_and_hostile_text_are_kept_exactly(store, slug, room):
    store.set_prompt(slug, "exception", "Who manages?")
    hostile = "<script>alert(1)</script>\u202e&amp;" + "é" * 200
    long = "y" * MAX_CONTRIBUTION
    a = store.add_contribution(room.code, "exception", hostile, "dev")
    b = store.add_contribution(room.code, "exception", long, "dev")
    assert [c.text for c in store.contributions(slug)] == [hostile, long]
    assert [c.id for c in store.contributions(slug, since_id=a.id)] == [b.id]


def test_other_bad_fields_are_refused(store, slug, room):
    store.set_prompt(slug, "practice", "Q?")
    for kwargs, words in ((dict(nickname="n" * 41), "nickname is too long"),
                          (dict(detail="d" * 1001), "How they do it is too long"),
                          (dict(device=""), "could not be recognised")):
        args = dict(code=room.code, kind="practice", text="ok", device="dev") | kwargs
        with pytest.raises(ModelError, match=words):
            store.add_contribution(**args)
    with pytest.raises(ModelError, match="Choose what you are sending"):
        store.add_contribution(room.code, "vote", "x", "dev")
    assert store.contributions(slug) == []


def test_a_contribution_is_not_a_change_to_the_inquiry(store, slug, room):
    store.set_prompt(slug, "answer", "Q?")
    before = (store.updated_at(slug), len(store.history(slug)))
    store.add_contribution(room.code, "answer", "hello", "dev")
    assert (store.updated_at(slug), len(store.history(slug))) == before


def test_moderation_shows_and_hides(store, slug, room):
    store.set_prompt(slug, "answer", "Q?")
    c = store.add_contribution(room.code, "answer", "hello", "dev")
    store.set_contribution_status(slug, c.id, "shown", by="Fran")
    assert store.contribution(slug, c.id).status == "shown"
    store.set_contribution_status(slug, c.id, "hidden", by="Fran")
    assert store.contribution(slug, c.id).status == "hidden"
    for bad in ("taken", "deleted"):
        with pytest.raises(ModelError):
            store.set_contribution_status(slug, c.id, bad)
    with pytest.raises(NotFound):
        store.set_contribution_status(slug, 999, "shown")


# ---------------------------------------------------------------------- into the inquiry


def test_an_answer_becomes_a_note_on_its_step_from_the_room(store, slug, room):
    store.set_prompt(slug, "answer", "Do you know anyone who avoids it?", step=2)
    c = store.add_contribution(room.code, "answer", "My aunt <b>does</b>", "dev")
    assert store.take_contribution(slug, c.id, by="Fran") == "note 1"
    inquiry = store.get(slug)
    assert inquiry.notes == [StepNote(2, "My aunt <b>does</b>", "Fran",
                                      inquiry.notes[0].at, "room", 1)]
    last = inquiry.history[-1]
    assert "from the room" in last.change and c.at[:16].replace("T", " ") in last.change
    assert last.detail["from"] == "the room" and last.detail["sent_at"] == c.at
    taken = store.contribution(slug, c.id)
    assert (taken.status, taken.became) == ("taken", "note 1")
    with pytest.raises(ModelError, match="already in the inquiry"):
        store.take_contribution(slug, c.id)
    with pytest.raises(ModelError, match="already in the inquiry"):
        store.set_contribution_status(slug, c.id, "hidden")


def test_an_answer_without_a_step_asks_for_one(store, slug, room):
    store.set_prompt(slug, "answer", "Q?")
    c = store.add_contribution(room.code, "answer", "hi", "dev")
    with pytest.raises(ModelError, match="Choose the step"):
        store.take_contribution(slug, c.id)
    assert store.contribution(slug, c.id).status == "new"
    assert store.take_contribution(slug, c.id, step=1) == "note 1"


def test_a_practice_becomes_a_draft_practice(store, slug, room):
    store.add_practice(slug, Practice("Eating together"))
    store.set_prompt(slug, "practice", "What do you do?")
    c = store.add_contribution(room.code, "practice", "Walking to school", "dev",
                               detail="with the neighbours")
    same = store.add_contribution(room.code, "practice", "eating  TOGETHER", "dev")
    assert store.take_contribution(slug, c.id, by="Fran") == "practice 2"
    p = store.get(slug).practices[-1]
    assert (p.what, p.how, p.accessible, p.id) == ("Walking to school", "with the neighbours",
                                                   "unsure", 2)
    assert "from the room" in _history(store, slug).change
    with pytest.raises(ModelError, match="already a practice"):
        store.take_contribution(slug, same.id)
    assert store.contribution(slug, same.id).status == "new"
    assert len(store.get(slug).practices) == 2


def test_a_nomination_becomes_a_group_choice_candidate_for_the_chosen_unit(store, slug, room):
    store.replace_units(slug, [Unit("F1", 1), Unit("F2", 0)], [])
    store.set_prompt(slug, "exception", "Who manages?")
    c = store.add_contribution(room.code, "exception", "The family by the shop", "dev")
    with pytest.raises(ModelError, match="Choose the unit"):
        store.take_contribution(slug, c.id)
    with pytest.raises(ModelError, match="no unit called 'F9'"):
        store.take_contribution(slug, c.id, unit_id="F9")
    before = store.get(slug)
    assert store.take_contribution(slug, c.id, unit_id="F2", by="Fran") == "candidate F2"
    after = store.get(slug)
    [decision] = after.exceptions
    assert (decision.unit_id, decision.status, decision.methods) == (
        "F2", "candidate", ["group-choice"])
    assert "The family by the shop" in decision.note
    assert len(after.history) == len(before.history) + 1
    assert "from the room" in after.history[-1].change


def test_taking_is_one_transaction(store, slug, room, monkeypatch):
    """A failure after the practice is written leaves neither the practice nor "taken"."""
    store.set_prompt(slug, "practice", "Q?")
    c = store.add_contribution(room.code, "practice", "Walking", "dev")
    from widgets.store import rooms

    def boom(*_a, **_k):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(rooms, "_who", boom)  # called after the practice is inserted
    with pytest.raises(RuntimeError):
        store.take_contribution(slug, c.id)
    monkeypatch.undo()
    assert store.get(slug).practices == []
    assert store.contribution(slug, c.id).status == "new"


# ---------------------------------------------------------------------- votes


def test_one_vote_per_phone_and_a_second_vote_replaces_the_first(store, slug, room):
    store.set_prompt(slug, "vote", "Which practice?", choices=["Eating", "Walking", "Reading"])
    store.cast_vote(room.code, "phone-a", 0)
    store.cast_vote(room.code, "phone-b", "1")
    poll = store.cast_vote(room.code, "phone-a", 1)
    assert poll.counts == [0, 2, 0] and poll.total == 2
    assert store.poll_results(slug).results == [("Eating", 0), ("Walking", 2), ("Reading", 0)]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.ballots)).scalar() == 2
    for bad in (3, -1, "two", True, None):
        with pytest.raises(ModelError, match="Choose one of the answers"):
            store.cast_vote(room.code, "phone-c", bad)
    assert store.poll_results(slug).counts == [0, 2, 0]


def test_results_are_shown_when_the_facilitator_says_and_votes_stop_with_the_prompt(
        store, slug, room):
    store.set_prompt(slug, "vote", "Which action?", choices=["A", "B"])
    store.cast_vote(room.code, "p1", 1)
    assert store.room(slug).choices == ["A", "B"] and not store.room(slug).results_shown
    store.set_prompt(slug, "none")  # voting stops; the results can still be shown
    with pytest.raises(ModelError, match="no vote"):
        store.cast_vote(room.code, "p2", 0)
    poll = store.show_results(slug, by="Fran")
    assert poll.results_shown and poll.closed_at
    assert store.room(slug).results_shown
    assert store.room_by_code(room.code)[1].results_shown


def test_a_new_vote_closes_the_old_one(store, slug, room):
    store.set_prompt(slug, "vote", "First?", choices=["A", "B"])
    store.cast_vote(room.code, "p1", 0)
    store.set_prompt(slug, "vote", "Second?", choices=["C", "D"])
    store.cast_vote(room.code, "p1", 1)
    first, second = store.polls(slug)
    assert first.closed_at and first.counts == [1, 0]
    assert not second.closed_at and second.counts == [0, 1]


def test_votes_are_kept_with_the_inquiry_and_its_file(store, slug, room):
    store.set_prompt(slug, "vote", "Which <practice>?", choices=["Eating", "Walking"], step=3)
    store.cast_vote(room.code, "p1", 1)
    store.set_prompt(slug, "answer", "Q?", step=1)
    c = store.add_contribution(room.code, "answer", "A note", "p1")
    store.take_contribution(slug, c.id)
    inquiry = store.get(slug)
    assert [(p.question, p.counts, p.step) for p in inquiry.polls] == [
        ("Which <practice>?", [0, 1], 3)]
    data = inquiry_file.to_bytes(inquiry)
    assert b"p1" not in data.replace(b'"p1"', b"")  # no device id in the file
    assert json.loads(data)["version"] == inquiry_file.VERSION == 2
    loaded = inquiry_file.from_bytes(data)
    assert loaded.polls == inquiry.polls and loaded.notes == inquiry.notes
    again = store.save_inquiry(loaded)
    back = store.get(again)
    assert [(p.question, p.choices, p.counts, p.results_shown, p.id) for p in back.polls] == [
        (p.question, p.choices, p.counts, p.results_shown, p.id) for p in inquiry.polls]
    assert back.notes == inquiry.notes


def test_an_inquiry_file_of_version_1_still_loads(store, slug):
    document = json.loads(inquiry_file.to_bytes(store.get(slug)))
    document["version"] = 1
    for part in ("notes", "polls"):
        del document["inquiry"][part]
    loaded = inquiry_file.from_bytes(json.dumps(document).encode())
    assert loaded.notes == [] and loaded.polls == []


@pytest.mark.parametrize("poll, words", [
    ({"question": "Q", "counts": [-1]}, "whole numbers of votes"),
    ({"question": "Q", "results_shown": "yes"}, "true or false"),
    ({"question": "Q", "step": 7}, "must be one of"),
    ({"choices": ["a"]}, "no 'question'"),
])
def test_a_file_with_a_bad_vote_is_refused_plainly(store, slug, poll, words):
    from widgets.files import FileProblem

    document = json.loads(inquiry_file.to_bytes(store.get(slug)))
    document["inquiry"]["polls"] = [poll]
    with pytest.raises(FileProblem, match=words):
        inquiry_file.from_bytes(json.dumps(document).encode())


# ---------------------------------------------------------------------- live token


def test_the_change_token_moves_with_every_room_change_only(store, store_url, slug, room):
    tokens = [store.room_changes(slug)]

    def changed():
        tokens.append(store.room_changes(slug))
        return tokens[-1] != tokens[-2]

    assert not changed()
    store.set_prompt(slug, "answer", "Q?")
    assert changed()
    # a write from another process (another store) is seen too
    other = Store(store_url)
    try:
        c = other.add_contribution(room.code, "answer", "hi", "dev")
        assert changed()
        other.set_contribution_status(slug, c.id, "shown")
        assert changed()
        assert not changed()
        other.set_prompt(slug, "vote", "V?", choices=["a", "b"])
        assert changed()
        other.cast_vote(room.code, "dev", 1)
        assert changed()
        other.rename(slug, "Something else")  # not about the room
        assert not changed()
    finally:
        other.close()


# ---------------------------------------------------------------------- whole inquiries


def test_deleting_an_inquiry_deletes_its_room_data(store, slug, room):
    other = store.create_inquiry("Another")
    kept = store.open_room(other)
    store.set_prompt(slug, "vote", "V?", choices=["a", "b"])
    store.cast_vote(room.code, "dev", 0)
    store.set_prompt(slug, "answer", "Q?", step=1)
    c = store.add_contribution(room.code, "answer", "hi", "dev")
    store.take_contribution(slug, c.id)
    store.delete_inquiry(slug)
    with store.engine.connect() as conn:
        for table in s.V3_TABLES:
            count = conn.execute(select(func.count()).select_from(table)).scalar()
            assert count == (1 if table is s.rooms else 0), table.name
    assert store.room_by_code(kept.code)[0] == other
    assert store.room_by_code(room.code) is None


def test_contributions_from_many_threads_all_arrive_numbered_once(store, slug, room):
    store.set_prompt(slug, "answer", "Q?")
    errors = []

    def send(n):
        try:
            for i in range(5):
                store.add_contribution(room.code, "answer", f"{n}-{i}", f"dev{n}")
        except Exception as e:  # pragma: no cover - shown by the assertion
            errors.append(e)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    got = store.contributions(slug)
    assert sorted(c.id for c in got) == list(range(1, 31))
    assert sorted(c.text for c in got) == sorted(f"{n}-{i}" for n in range(6) for i in range(5))


def test_migrating_a_version_2_database_adds_the_room(store_url, backend):
    st = Store(store_url)
    slug = st.create_inquiry("From before the room")
    with st.engine.begin() as conn:  # back to the version 2 layout
        for table in reversed(s.V3_TABLES):
            conn.execute(text(f"DROP TABLE {table.name}"))
        conn.execute(text("UPDATE schema_info SET value = '2'"))
    st.close()
    again = Store(store_url)
    try:
        assert again.get(slug).title == "From before the room"
        r = again.open_room(slug)
        assert again.room_by_code(r.code)[0] == slug
        with again.engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM schema_info")).scalar() == str(
                s.SCHEMA_VERSION)  # and on through the later migrations
            if backend == "postgresql":
                for table in s.V3_TABLES:
                    assert conn.execute(text(
                        "SELECT relforcerowsecurity FROM pg_class WHERE relname = :t"),
                        {"t": table.name}).scalar(), table.name
                    assert conn.execute(text(
                        "SELECT count(*) FROM pg_policies WHERE tablename = :t"),
                        {"t": table.name}).scalar() == 1
    finally:
        again.close()


def test_model_checks_without_a_store():
    c = Contribution("answer", "ok", device="d")
    assert c.check() is c
    with pytest.raises(ModelError):
        Contribution("answer", "ok", device="d", status="gone").check()
    assert Poll("Q", ["a", "b"], [3]).results == [("a", 3), ("b", 0)]
    assert not Room("K7QF3MXA", closed_at="2026-01-01").allows("answer")
    assert Room("K7QF3MXA", prompt="answer").allows("answer")
    assert not Room("K7QF3MXA", prompt="none").allows("none")


def test_another_teams_room_cannot_be_seen_or_used(hub):
    """On a shared server, a code is only good on the servers of the room's own team."""
    ann = hub.store(hub.ann, team=hub.a)
    slug = ann.create_inquiry("Team A's", by="Ann")
    room = ann.open_room(slug, by="Ann")
    ann.set_prompt(slug, "answer", "Q?")
    bob = hub.store(hub.bob, team=hub.b)
    assert bob.room_by_code(room.code) is None
    with pytest.raises(RoomClosed):
        bob.add_contribution(room.code, "answer", "from team b", "dev")
    with pytest.raises(NotFound):
        bob.contributions(slug)
    assert ann.contributions(slug) == []
    ann.add_contribution(room.code, "answer", "from team a", "dev")
    with bob.engine.connect() as conn:
        for table in s.V3_TABLES:
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0


def test_the_group_version_moves_with_the_groups_work_not_with_the_room(store, slug, room):
    before = store.group_version(slug)
    store.set_prompt(slug, "answer", "Q?", step=1)
    c = store.add_contribution(room.code, "answer", "hi", "dev")
    store.take_contribution(slug, c.id)  # a note: not on the group's page
    store.close_room(slug)
    assert store.group_version(slug) == before
    store.add_practice(slug, Practice("Walking"))
    assert store.group_version(slug) > before


def test_a_shared_server_migrated_from_version_2_lets_its_users_into_the_room(hub):
    """The migration grants the new tables to the hub users' role, as `hub init` would."""
    admin = Store(hub.admin_url)
    try:
        with admin.engine.begin() as conn:  # back to the version 2 layout
            for table in reversed(s.V3_TABLES):
                conn.execute(text(f"DROP TABLE {table.name}"))
            conn.execute(text("UPDATE schema_info SET value = '2'"))
    finally:
        admin.close()
    Store(hub.admin_url).close()  # the admin's next start migrates
    ann = hub.store(hub.ann, team=hub.a)
    slug = ann.create_inquiry("After the upgrade", by="Ann")
    code = ann.open_room(slug, by="Ann").code
    ann.set_prompt(slug, "answer", "Q?", by="Ann")
    assert ann.add_contribution(code, "answer", "works", "dev").id == 1
    bob = hub.store(hub.bob, team=hub.b)
    assert bob.room_by_code(code) is None
