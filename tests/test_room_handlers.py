"""The participant routes over real HTTP: a ``jupyter server`` subprocess on 127.0.0.1 with a
token required and the room's extension loaded (tests/room_server.py)."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import uuid

import pytest
import requests
from room_server import TOKEN, phone_page, start

from widgets import cli
from widgets import join_codes as codes
from widgets.model import Action, ExceptionDecision, Issue, Practice, Unit
from widgets.room import limits, pages

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(document.cookie)",
    "\"><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp; &quot; &#39; &#x3C;",
    "\u202eevil\u202c reversed",
    "\u2066isolated\u2069 and \u200fRTL mark",
    "W" * 280,
    "averyveryveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces" * 3,
    "</textarea><script>alert(1)</script>",
    "<style>body{display:none}</style>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<iframe src=\"https://example.com\"></iframe>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<!-- comment --> <![CDATA[x]]>",
    "emoji 👩🏽‍🔬 and zero\u200bwidth",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module."""
    srv = start(tmp_path_factory.mktemp("room-server"))
    yield srv
    srv.kill()


@pytest.fixture(scope="module")
def db(server):
    """The same store the server opens (its data folder's SQLite file, or its database)."""
    st = server.store()
    yield st
    st.close()


@pytest.fixture
def room(db):
    """A fresh inquiry with an open room: ``(slug, code)``."""
    slug = db.create_inquiry(f"Inquiry {uuid.uuid4().hex[:8]}")
    return slug, db.open_room(slug).code


def _send(session, server, code, kind, xsrf, **fields):
    return session.post(f"{server.url}/room/{code}/{kind}", data={"_xsrf": xsrf, **fields},
                        allow_redirects=False, timeout=30)


# ---------------------------------------------------------------------- the token


def test_participant_routes_need_no_token(server, db, room):
    slug, code = room
    phone = requests.Session()
    assert phone.get(f"{server.url}/room", timeout=30).status_code == 200
    page, _xsrf = phone_page(phone, server, code)
    assert "Wait for the facilitator" in page and phone.cookies.get("_xsrf")
    cookie = next(c for c in phone.cookies if c.name == "hi_room_device")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/room"
    assert "samesite=lax" in str(phone.get(f"{server.url}/room/{code}").headers).lower() or \
        cookie.get_nonstandard_attr("SameSite") == "Lax"
    state = phone.get(f"{server.url}/room/{code}/state", timeout=30).json()
    assert state["open"] is True and state["prompt"] == "none"
    assert phone.get(f"{server.url}/room/{code}/group", timeout=30).status_code == 200
    for asset in ("room.css", "room.js"):
        assert phone.get(f"{server.url}/room/assets/{asset}", timeout=30).status_code == 200


@pytest.mark.parametrize("path", ["/api/kernels", "/api/contents", "/api/sessions",
                                  "/voila/render/start.ipynb", "/api/terminals", "/tree",
                                  "/api/kernelspecs"])
def test_everything_else_is_refused_without_the_token(server, path):
    r = requests.get(server.url + path, allow_redirects=False, timeout=30)
    assert r.status_code in (401, 403, 404) or (
        r.status_code in (301, 302, 303) and "login" in r.headers["Location"]), (path, r)
    if path.startswith("/api/k"):
        with_token = requests.get(server.url + path, timeout=30,
                                  headers={"Authorization": f"token {TOKEN}"})
        assert with_token.status_code == 200  # the refusal above is the token, nothing else


def test_the_kernels_websocket_is_refused_without_the_token(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    try:
        sock.sendall((f"GET /api/kernels/{uuid.uuid4()}/channels HTTP/1.1\r\n"
                      f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())
        status = sock.recv(200).split(b"\r\n")[0].decode()
    finally:
        sock.close()
    assert status.split()[1] in ("401", "403"), status


# ---------------------------------------------------------------------- codes


def test_a_wrong_code_and_a_closed_room_get_the_same_plain_page(server, db, room):
    slug, code = room
    other = db.create_inquiry(f"Other {uuid.uuid4().hex[:8]}")
    other_code = db.open_room(other).code
    db.close_room(other)
    guessed = "K7QF3MXA" if code != "K7QF3MXA" else "K7QF3MXC"
    pages_seen = set()
    for bad in (other_code, guessed, "not-a-code", "..%2F..%2Fapi"):
        r = requests.get(f"{server.url}/room/{bad}", timeout=30)
        assert r.status_code == 404
        pages_seen.add(r.text)
        state = requests.get(f"{server.url}/room/{bad}/state", timeout=30)
        assert state.status_code == 404 and state.json() == {"open": False}
        group = requests.get(f"{server.url}/room/{bad}/group", timeout=30)
        assert group.status_code == 404 and group.text == r.text
    assert len(pages_seen) == 1
    text = pages_seen.pop()
    assert pages.CLOSED_TITLE in text and other not in text and slug not in text
    # the room's own code still works, and shows its own inquiry only
    page = requests.get(f"{server.url}/room/{code.lower()}", timeout=30).text
    assert db.summary(slug).title in page and db.summary(other).title not in page


def test_the_join_form_goes_to_the_room(server, room):
    _slug, code = room
    r = requests.get(f"{server.url}/room", params={"code": codes.display(code).lower()},
                     allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == f"/room/{code}"
    r = requests.get(f"{server.url}/room", params={"code": "12"}, timeout=30)
    assert r.status_code == 400 and "8 letters and numbers" in r.text


def test_closing_and_reopening_stop_the_old_code_at_once(server, db, room):
    slug, code = room
    db.set_prompt(slug, "answer", "Q?")
    phone = requests.Session()
    _page, xsrf = phone_page(phone, server, code)
    db.close_room(slug)
    assert _send(phone, server, code, "answer", xsrf, text="late").status_code == 404
    new = db.open_room(slug).code
    assert requests.get(f"{server.url}/room/{code}", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/room/{new}", timeout=30).status_code == 200
    assert db.contributions(slug) == []


# ---------------------------------------------------------------------- sending


def test_each_kind_is_sent_and_stored_and_the_prompt_decides(server, db, room):
    slug, code = room
    phone = requests.Session()
    db.set_prompt(slug, "answer", "Do you know anyone who manages to avoid it? How?",
                  seconds=180, step=2)
    page, xsrf = phone_page(phone, server, code)
    assert "Send my answer" in page and 'id="countdown"' in page
    state = phone.get(f"{server.url}/room/{code}/state", timeout=30).json()
    assert 170 <= state["seconds_left"] <= 180
    r = _send(phone, server, code, "answer", xsrf, text="My aunt does", nickname="Jo")
    assert r.status_code == 303 and r.headers["Location"] == f"/room/{code}?sent=answer"
    assert "your answer is sent" in phone.get(server.url + r.headers["Location"]).text
    # a kind the prompt does not allow: a plain message, what was typed kept, nothing stored
    r = _send(phone, server, code, "practice", xsrf, text="Walking together")
    assert r.status_code == 400 and "not asking for practices" in r.text
    db.set_prompt(slug, "exception", "Who manages?")
    page, xsrf = phone_page(phone, server, code)
    assert "Describe, don&#x27;t name people who are not in the room." in page
    assert _send(phone, server, code, "exception", xsrf, text="The family by the shop"
                 ).status_code == 303
    db.set_prompt(slug, "practice", "What do they do?")
    assert _send(phone, server, code, "practice", xsrf, text="Eat together",
                 detail="phones in a basket").status_code == 303
    got = db.contributions(slug)
    assert [(c.kind, c.text, c.nickname) for c in got] == [
        ("answer", "My aunt does", "Jo"), ("exception", "The family by the shop", ""),
        ("practice", "Eat together", "")]
    assert got[2].detail == "phones in a basket" and got[0].step == 2
    assert len({c.device for c in got}) == 1 and all(len(c.device) == 32 for c in got)
    cookie = phone.cookies.get("hi_room_device")
    assert cookie not in json.dumps([c.device for c in got])  # only a hash is kept


def test_votes_once_per_phone_and_results_when_shown(server, db, room):
    slug, code = room
    db.set_prompt(slug, "vote", "Which practice?", choices=["Eating together", "Walking"])
    phones = [requests.Session() for _ in range(3)]
    for n, phone in enumerate(phones):
        page, xsrf = phone_page(phone, server, code)
        assert "Eating together" in page and 'type="radio"' in page
        assert _send(phone, server, code, "vote", xsrf, choice=str(n % 2)).status_code == 303
    # the first phone changes its mind: still one vote
    _page, xsrf = phone_page(phones[0], server, code)
    assert _send(phones[0], server, code, "vote", xsrf, choice="1").status_code == 303
    assert db.poll_results(slug).counts == [1, 2]  # 0, 1, 0, then the first chose 1
    r = _send(phones[0], server, code, "vote", xsrf, choice="7")
    assert r.status_code == 400 and "Choose one of the answers" in r.text
    state = phones[1].get(f"{server.url}/room/{code}/state", timeout=30).json()
    assert state["choices"] == ["Eating together", "Walking"] and state["results"] is None
    db.show_results(slug)
    state = phones[1].get(f"{server.url}/room/{code}/state", timeout=30).json()
    assert state["results"] == [{"choice": "Eating together", "votes": 1},
                                {"choice": "Walking", "votes": 2}]
    assert "3 phones voted" in phones[1].get(f"{server.url}/room/{code}", timeout=30).text


def test_too_long_text_gets_a_plain_message_and_is_kept_on_the_page(server, db, room):
    slug, code = room
    db.set_prompt(slug, "answer", "Q?")
    phone = requests.Session()
    _page, xsrf = phone_page(phone, server, code)
    typed = "é" * 281
    r = _send(phone, server, code, "answer", xsrf, text=typed)
    assert r.status_code == 400
    assert "Your text is too long (281 characters; at most 280)." in r.text
    assert f">{typed}</textarea>" in r.text
    assert "Traceback" not in r.text
    assert db.contributions(slug) == []
    assert _send(phone, server, code, "answer", xsrf, text="é" * 280).status_code == 303


# ---------------------------------------------------------------------- abuse


def test_a_post_without_the_xsrf_value_is_refused(server, db, room):
    slug, code = room
    db.set_prompt(slug, "answer", "Q?")
    phone = requests.Session()
    _page, xsrf = phone_page(phone, server, code)
    for data in ({"text": "no token"}, {"text": "wrong", "_xsrf": "2|00|00|00"}):
        r = phone.post(f"{server.url}/room/{code}/answer", data=data, allow_redirects=False,
                       timeout=30)
        assert r.status_code == 403 and "This form has expired" in r.text
    # another site's page cannot send it either: it has the value but not this phone's cookie
    stranger = requests.post(f"{server.url}/room/{code}/answer",
                             data={"text": "csrf", "_xsrf": xsrf}, timeout=30,
                             allow_redirects=False)
    assert stranger.status_code == 403
    assert db.contributions(slug) == []


def test_sending_too_fast_answers_429(server, db, room):
    slug, code = room
    db.set_prompt(slug, "answer", "Q?")
    phone = requests.Session()
    _page, xsrf = phone_page(phone, server, code)
    statuses = [_send(phone, server, code, "answer", xsrf, text=f"n{n}").status_code
                for n in range(limits.Limits.default().device.capacity + 4)]
    assert 429 in statuses and statuses[0] == 303
    slow = _send(phone, server, code, "answer", xsrf, text="again")
    assert slow.status_code == 429 and "Slow down" in slow.text
    assert len(db.contributions(slug)) == statuses.count(303)


def test_a_big_body_is_refused_before_it_is_read(server, db, room):
    slug, code = room
    db.set_prompt(slug, "answer", "Q?")
    phone = requests.Session()
    _page, xsrf = phone_page(phone, server, code)
    cookies = "; ".join(f"{c.name}={c.value}" for c in phone.cookies)
    # the headers alone say 1 MB: refused without waiting for the body
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("POST", f"/room/{code}/answer")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(1024 * 1024))
    conn.putheader("Cookie", cookies)
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413 and b"too much" in response.read()
    conn.close()
    # and a whole 1 MB body is refused too (the server may stop reading and close)
    body = f"_xsrf={xsrf}&text=".encode() + b"x" * (1024 * 1024)
    try:
        r = phone.post(f"{server.url}/room/{code}/answer", data=body, timeout=60,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass  # the connection was closed before the body was read: refused as well
    # a chunked body with no length is cut off at the limit
    def chunks():
        yield f"_xsrf={xsrf}&text=".encode()
        for _ in range(64):
            yield b"y" * 16384

    try:
        r = phone.post(f"{server.url}/room/{code}/answer", data=chunks(), timeout=60,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code in (400, 413)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass
    assert db.contributions(slug) == []
    assert phone.get(f"{server.url}/room/{code}", timeout=30).status_code == 200  # still up


def test_every_response_has_the_security_headers(server, room):
    _slug, code = room
    for path in ("/room", f"/room/{code}", f"/room/{code}/group", "/room/K7QF3MXA"):
        r = requests.get(server.url + path, timeout=30)
        assert r.headers["Content-Security-Policy"] == pages.CSP
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "http://" not in r.text.replace(server.url, "") and "https://" not in r.text


def test_hostile_strings_come_back_escaped_literally(server, db, room, capsys, monkeypatch):
    slug, code = room
    db.set_prompt(slug, "answer", HOSTILE[0], step=1)
    for first in range(0, len(HOSTILE), 5):  # a few phones, within each phone's limit
        phone = requests.Session()
        _page, xsrf = phone_page(phone, server, code)
        for text in HOSTILE[first:first + 5]:
            r = _send(phone, server, code, "answer", xsrf, text=text, nickname=text[:40])
            assert r.status_code == 303, (text, r.text[:300])
    got = db.contributions(slug)
    assert [c.text for c in got] == HOSTILE
    # the question (the facilitator's) is escaped on the phone page
    page = requests.get(f"{server.url}/room/{code}", timeout=30).text
    assert html.escape(HOSTILE[0]) in page and "<script>alert" not in page
    # taken into the inquiry, they show literally on the group's page
    for c in got[:12]:
        db.set_prompt(slug, "practice", "")
        db.add_contribution(code, "practice", c.text, "dev-x")
    for c in db.contributions(slug)[len(HOSTILE):]:
        db.take_contribution(slug, c.id)
    for n, p in enumerate(db.get(slug).practices, start=1):
        db.update_practice(slug, n, Practice(p.what, p.how, p.why, "yes", p.from_units))
    db.add_action(slug, Action(HOSTILE[1], when=HOSTILE[2]))
    group = requests.get(f"{server.url}/room/{code}/group", timeout=30).text
    scripts = re.findall(r"<script\b[^>]*>", group)
    assert scripts == ['<script src="/room/assets/room.js" defer>']
    for text in HOSTILE[:12]:
        assert html.escape(text) in group, text
    assert "onerror=alert" not in group.replace(html.escape("onerror=alert"), "")
    # and in `room list`, one line each, with nothing that steers the terminal
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(server.data))
    if server.store_url.startswith("postgresql"):
        monkeypatch.setenv("HIDDEN_INSIGHTS_DATABASE_URL", server.store_url)
    assert cli.main(["room", "list", slug, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows][:len(HOSTILE)] == HOSTILE
    assert cli.main(["room", "list", slug]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\u2066" not in out
    assert len(out.splitlines()) == len(db.contributions(slug))
    assert "<script>alert('x')</script>" in out


def test_the_group_page_shows_only_what_the_group_confirmed(server, db, room):
    slug, code = room
    db.set_issue(slug, Issue("Families break up", "Parents and children"))
    db.replace_units(slug, [Unit("F1", 1, private_name="Mrs Secretname"),
                            Unit("F2", 0, private_name="Mr Hiddenperson"), Unit("F3", 1)], [])
    db.set_exception(slug, ExceptionDecision("F1", "confirmed", ["group-choice"]))
    db.set_exception(slug, ExceptionDecision("F3", "candidate", ["group-choice"],
                                             note="Unconfirmed Candidatenote"))
    db.add_practice(slug, Practice("Eating together", "phones away", accessible="yes"))
    db.add_practice(slug, Practice("Talking at the table", "as Mrs Secretname does",
                                   accessible="yes"))  # a real name in free text is masked
    db.add_practice(slug, Practice("Unsure way", accessible="unsure"))
    page = requests.get(f"{server.url}/room/{code}/group", timeout=30).text
    assert "Families break up" in page and "Eating together" in page
    assert "Talking at the table" in page and "as [name withheld] does" in page
    assert "1 positive exception" in page
    for hidden in ("Secretname", "Hiddenperson", "Candidatenote", "F3", "F1", "Unsure way"):
        assert hidden not in page, hidden


def test_a_phone_page_of_a_room_with_nothing_to_do_has_no_form(server, room):
    _slug, code = room
    page = requests.get(f"{server.url}/room/{code}", timeout=30).text
    assert "<form" not in page and "Wait for the facilitator" in page
    assert 'data-state="/room/' in page
