"""The participant pages as HTML: made for a 390 px phone, plain HTML and CSS, every form
works without JavaScript (a little script only polls for changes and runs the countdown).

Every text that reaches the page goes through :func:`esc` (element text and attribute values
alike); nothing is loaded from another host, and the page's only CSS and script are
``assets/room.css`` and ``assets/room.js`` (the Content-Security-Policy allows nothing else).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from widgets.model import MAX_CONTRIBUTION, MAX_DETAIL, MAX_NICKNAME, Poll, Room

#: The Content-Security-Policy of every participant response: only this server's own CSS,
#: script and form targets; no frames, no plugins, no inline script or style.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

CLOSED_TITLE = "This room is not open"
CLOSED_TEXT = ("Check the code with the facilitator. If the meeting has moved on, ask for the "
               "new code.")


def esc(value: Any) -> str:
    """Text made safe for HTML, in element text and in quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, base: str, key: str = "", state_url: str = "") -> str:
    """A whole page. ``key`` and ``state_url``: what room.js polls to notice changes."""
    data = (f' data-key="{esc(key)}" data-state="{esc(state_url)}"' if state_url else "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{esc(title)}</title>\n"
        f"<link rel=\"stylesheet\" href=\"{esc(base)}room/assets/room.css\">\n"
        f"<script src=\"{esc(base)}room/assets/room.js\" defer></script>\n"
        f"</head>\n<body{data}>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def message_page(title: str, text: str, *, base: str) -> str:
    """A page with one plain message (closed room, slow down, too big, a problem)."""
    body = (f"<h1>{esc(title)}</h1>\n<p class=\"lead\">{esc(text)}</p>\n"
            f"<p><a class=\"button secondary\" href=\"{esc(base)}room\">Type a code</a></p>")
    return page(title, body, base=base)


def closed_page(*, base: str) -> str:
    """The one page for a wrong code and for a closed room: it reveals nothing."""
    return message_page(CLOSED_TITLE, CLOSED_TEXT, base=base)


def join_page(*, base: str, typed: str = "", error: str = "") -> str:
    """Type the code (a GET form: nothing is sent to the store)."""
    problem = (f"<p class=\"error\" id=\"code-error\" role=\"alert\">{esc(error)}</p>\n"
               if error else "")
    described = ' aria-describedby="code-error"' if error else ""
    body = (
        "<h1>Join the room</h1>\n"
        "<p class=\"lead\">Type the code the facilitator shows.</p>\n"
        f"<form method=\"get\" action=\"{esc(base)}room\">\n"
        "<label for=\"code\">Join code</label>\n"
        f"<input id=\"code\" name=\"code\" value=\"{esc(typed)}\" autocomplete=\"off\" "
        f"autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"20\" "
        f"inputmode=\"text\" required{described}>\n"
        f"{problem}<button type=\"submit\">Join</button>\n</form>"
    )
    return page("Join the room", body, base=base)


@dataclass
class PhoneView:
    """What the phone page shows: the room, its vote, and the state of the form."""

    base: str
    code: str
    title: str
    room: Room
    poll: Poll | None
    xsrf: str
    #: After a send: which kind was sent (a thank-you line).
    sent: str = ""
    #: A plain message beside the form, and what the person had typed (kept on a mistake).
    error: str = ""
    typed: dict[str, str] = field(default_factory=dict)


def state_key(room: Room, poll: Poll | None) -> str:
    """Changes whenever the phone page would look different (room.js reloads then)."""
    counts = ",".join(map(str, poll.counts)) if poll is not None and room.results_shown else ""
    return "|".join(map(str, (room.id, room.prompt, room.question, room.poll_id,
                              room.results_shown, room.ends_at, counts, room.is_open)))


def state(room: Room | None, poll: Poll | None) -> dict[str, Any]:
    """The JSON the phone polls: what may be done now, the countdown as seconds left (so the
    phone's own clock does not matter), and the vote's results once shown."""
    if room is None or not room.is_open:
        return {"open": False}
    results = None
    if poll is not None and room.results_shown:
        results = [{"choice": c, "votes": n} for c, n in poll.results]
    return {"open": True, "prompt": room.prompt, "question": room.question,
            "seconds_left": room.seconds_left(), "choices": list(room.choices)
            if room.prompt == "vote" else [], "results": results,
            "key": state_key(room, poll)}


_SENT = {
    "answer": "Thank you: your answer is sent. The facilitator will see it.",
    "exception": "Thank you: your suggestion is sent. The facilitator will see it.",
    "practice": "Thank you: your practice is sent. The facilitator will see it.",
    "vote": "Your vote is in. You can change it until the vote closes.",
}


def _field(name: str, label: str, view: PhoneView, *, limit: int, area: bool = False,
           required: bool = False, hint: str = "") -> str:
    value = view.typed.get(name, "")
    ident = f"f-{name}"
    hint_html = f"<p class=\"hint\" id=\"{ident}-hint\">{esc(hint)}</p>\n" if hint else ""
    described = f' aria-describedby="{ident}-hint"' if hint else ""
    req = " required" if required else ""
    # maxlength is a help, not the rule: the server checks again and says so plainly.
    if area:
        control = (f"<textarea id=\"{ident}\" name=\"{name}\" rows=\"4\" maxlength=\"{limit}\""
                   f"{req}{described}>{esc(value)}</textarea>")
    else:
        control = (f"<input id=\"{ident}\" name=\"{name}\" value=\"{esc(value)}\" "
                   f"maxlength=\"{limit}\" autocomplete=\"off\"{req}{described}>")
    return f"<label for=\"{ident}\">{esc(label)}</label>\n{hint_html}{control}\n"


def _form(view: PhoneView, kind: str, fields: str, button: str) -> str:
    error = (f"<p class=\"error\" role=\"alert\">{esc(view.error)}</p>\n" if view.error
             else "")
    return (f"<form method=\"post\" action=\"{esc(view.base)}room/{esc(view.code)}/{kind}\">\n"
            f"<input type=\"hidden\" name=\"_xsrf\" value=\"{esc(view.xsrf)}\">\n"
            f"{fields}{error}<button type=\"submit\">{esc(button)}</button>\n</form>\n")


def _nickname(view: PhoneView) -> str:
    return _field("nickname", "Your nickname (optional; leave empty to stay anonymous)", view,
                  limit=MAX_NICKNAME)


def _countdown(room: Room) -> str:
    left = room.seconds_left()
    if left is None:
        return ""
    minutes, seconds = divmod(left, 60)
    return (f"<p class=\"countdown\" id=\"countdown\" data-seconds=\"{left}\" "
            f"aria-live=\"polite\">{minutes}:{seconds:02d} left</p>\n")


def _results(poll: Poll) -> str:
    total = poll.total
    rows = "".join(
        f"<li><span class=\"choice\">{esc(choice)}</span> "
        f"<span class=\"votes\">{count} {'vote' if count == 1 else 'votes'}</span>"
        f"<progress max=\"{max(total, 1)}\" value=\"{count}\">{count}</progress></li>\n"
        for choice, count in poll.results)
    return (f"<section class=\"results\">\n<h2>Results: {esc(poll.question)}</h2>\n"
            f"<ul>\n{rows}</ul>\n<p>{total} {'phone' if total == 1 else 'phones'} voted.</p>\n"
            "</section>\n")


def phone_page(view: PhoneView) -> str:
    """The page a participant keeps open: the question, the form the facilitator allows
    now, the countdown, the vote's results once shown, and the group's page."""
    room, parts = view.room, []
    parts.append(f"<p class=\"inquiry\">{esc(view.title)}</p>\n")
    if view.sent in _SENT and not view.error:
        parts.append(f"<p class=\"sent\" role=\"status\">{esc(_SENT[view.sent])}</p>\n")
    if room.question:
        parts.append(f"<h1>{esc(room.question)}</h1>\n")
    parts.append(_countdown(room))
    limit_hint = f"At most {MAX_CONTRIBUTION} characters."
    if room.prompt == "answer":
        if not room.question:
            parts.append("<h1>Your answer</h1>\n")
        parts.append(_form(view, "answer", _field(
            "text", "Your answer", view, limit=MAX_CONTRIBUTION, area=True, required=True,
            hint=limit_hint) + _nickname(view), "Send my answer"))
    elif room.prompt == "exception":
        if not room.question:
            parts.append("<h1>Who manages despite the odds?</h1>\n")
        parts.append(_form(view, "exception", _field(
            "text", "Describe them, and what they do differently", view,
            limit=MAX_CONTRIBUTION, area=True, required=True,
            hint="Describe, don't name people who are not in the room. " + limit_hint)
            + _nickname(view), "Send my suggestion"))
    elif room.prompt == "practice":
        if not room.question:
            parts.append("<h1>Suggest a practice</h1>\n")
        parts.append(_form(view, "practice", _field(
            "text", "What they do", view, limit=MAX_CONTRIBUTION, area=True, required=True,
            hint=limit_hint) + _field("detail", "How they do it (optional)", view,
                                      limit=MAX_DETAIL, area=True) + _nickname(view),
            "Send my practice"))
    elif room.prompt == "vote" and room.choices:
        if not room.question:
            parts.append("<h1>Vote</h1>\n")
        chosen = view.typed.get("choice", "")
        options = "".join(
            f"<label class=\"option\" for=\"c{n}\"><input type=\"radio\" id=\"c{n}\" "
            f"name=\"choice\" value=\"{n}\" required{' checked' if chosen == str(n) else ''}>"
            f" {esc(choice)}</label>\n" for n, choice in enumerate(room.choices))
        fields = f"<fieldset>\n<legend>Choose one</legend>\n{options}</fieldset>\n"
        parts.append(_form(view, "vote", fields, "Send my vote"))
    else:
        parts.append("<h1>Wait for the facilitator</h1>\n<p class=\"lead\">Nothing to send "
                     "right now. This page changes when the facilitator asks the room "
                     "something.</p>\n")
        if view.error:
            parts.append(f"<p class=\"error\" role=\"alert\">{esc(view.error)}</p>\n")
    if view.poll is not None and room.results_shown:
        parts.append(_results(view.poll))
    parts.append(f"<p><a class=\"button secondary\" href=\"{esc(view.base)}room/"
                 f"{esc(view.code)}/group\">The group's page</a></p>\n"
                 "<p class=\"small\">Anonymous unless you give a nickname. Only a random "
                 "number for this phone is kept, so that it votes once.</p>\n")
    return page(room.question or "The room", "".join(parts), base=view.base,
                key=state_key(room, view.poll),
                state_url=f"{view.base}room/{view.code}/state")


def group_page(*, base: str, code: str, title: str, view: dict[str, Any]) -> str:
    """The group's page: what the group has found so far, for everyone in the room. Only
    what the group has confirmed; never real names, never unconfirmed candidates."""
    parts = [f"<h1>{esc(title)}</h1>\n"]
    issue = view.get("issue") or []
    if issue:
        items = "".join(f"<dt>{esc(p['label'])}</dt><dd>{esc(p['text'])}</dd>\n" for p in issue)
        parts.append(f"<section>\n<h2>The issue</h2>\n<dl>\n{items}</dl>\n</section>\n")
    parts.append(f"<section>\n<h2>Where we started</h2>\n<p>{esc(view.get('baseline'))}</p>\n"
                 f"<p>{esc(view.get('exceptions'))}</p>\n</section>\n")
    spread = view.get("practices") or []
    if spread:
        items = "".join(f"<li><strong>{esc(p['what'])}</strong>"
                        + (f"<br>{esc(p['how'])}" if p.get("how") else "") + "</li>\n"
                        for p in spread)
        parts.append(f"<section>\n<h2>Practices worth spreading</h2>\n<ul>\n{items}</ul>\n"
                     "</section>\n")
    actions = view.get("actions") or []
    if actions:
        items = "".join(f"<li>{esc(a['what'])}"
                        + (f" <span class=\"when\">({esc(a['when'])})</span>" if a.get("when")
                           else "") + "</li>\n" for a in actions)
        parts.append(f"<section>\n<h2>What we will do</h2>\n<ul>\n{items}</ul>\n</section>\n")
    parts.append(f"<section>\n<h2>Progress</h2>\n<p>{esc(view.get('progress'))}</p>\n"
                 "</section>\n")
    parts.append(f"<p><a class=\"button secondary\" href=\"{esc(base)}room/{esc(code)}\">"
                 "Back to the room</a></p>\n")
    return page(f"{title}: the group's page", "".join(parts), base=base)


#: The page's CSS: large touch targets (at least 48 px), readable at 390 px, no web fonts.
CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1b1b1b;background:#f6f5f1}
main{max-width:34rem;margin:0 auto;padding:16px 16px 48px}
h1{font-size:1.45rem;line-height:1.25;margin:.6em 0 .5em;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.2em 0 .4em}
p,li,dd,dt,label,legend{overflow-wrap:anywhere}
.lead{font-size:1.05rem}
.inquiry{color:#555;margin:0}
.small{font-size:.9rem;color:#555}
label,legend{display:block;font-weight:600;margin:1em 0 .3em}
.hint{margin:.1em 0 .4em;color:#444;font-size:.95rem}
input,textarea{display:block;width:100%;font:inherit;padding:12px;min-height:48px;
border:2px solid #767676;border-radius:8px;background:#fff;color:inherit}
textarea{resize:vertical}
input:focus,textarea:focus,button:focus,a:focus{outline:3px solid #1a5fb4;outline-offset:2px}
fieldset{border:0;padding:0;margin:0}
.option{display:flex;align-items:center;gap:12px;font-weight:400;min-height:56px;
padding:10px 12px;margin:.5em 0;border:2px solid #767676;border-radius:8px;background:#fff}
.option input{width:28px;height:28px;min-height:0;flex:none;margin:0}
button,.button{display:block;width:100%;min-height:56px;margin:1em 0 0;padding:12px;
font:inherit;font-weight:700;text-align:center;text-decoration:none;border:0;
border-radius:10px;background:#1a5fb4;color:#fff;cursor:pointer}
.button.secondary{background:#fff;color:#1a5fb4;border:2px solid #1a5fb4}
.error{color:#a51d2d;font-weight:600;margin:.5em 0}
.sent{background:#e6f4ea;border-left:6px solid #26a269;padding:10px 12px}
.countdown{font-size:2rem;font-weight:700;text-align:center;margin:.3em 0;
font-variant-numeric:tabular-nums}
.results ul{list-style:none;padding:0}
.results li{margin:.6em 0}
.results progress{display:block;width:100%;height:18px}
.votes{float:right;color:#444}
.notice{background:#fff3cd;border-left:6px solid #e5a50a;padding:10px 12px}
dl{margin:0}dt{font-weight:600;margin-top:.6em}dd{margin:0}
"""

#: The page's script: poll the state every 2 s (reload when the page would change, unless
#: the person is typing), and count the countdown down from the server's seconds left.
JS = r"""
(function () {
  "use strict";
  var body = document.body, url = body.getAttribute("data-state");
  var clock = document.getElementById("countdown"), end = null;
  function setEnd(seconds) {
    end = (seconds === null || seconds === undefined) ? null : Date.now() + seconds * 1000;
  }
  if (clock) { setEnd(parseInt(clock.getAttribute("data-seconds"), 10)); }
  function tick() {
    if (!clock || end === null) { return; }
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s + (left ? " left" : " – time is up");
  }
  function typing() {
    var fields = document.querySelectorAll("textarea, input[type=text], input:not([type])");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].name !== "code" && fields[i].value.trim()) { return true; }
    }
    return false;
  }
  function notice() {
    if (document.getElementById("changed")) { return; }
    var p = document.createElement("p");
    p.id = "changed"; p.className = "notice"; p.setAttribute("role", "status");
    p.textContent = "The facilitator has moved on. Send what you typed, or reload the page.";
    document.querySelector("main").insertBefore(p, document.querySelector("main").firstChild);
  }
  function poll() {
    if (!url || !window.fetch) { return; }
    fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (r) {
      return r.json();
    }).then(function (state) {
      var key = state.open ? state.key : "closed";
      if (state.open && clock) { setEnd(state.seconds_left); }
      if (key !== body.getAttribute("data-key")) {
        if (typing() && state.open) { notice(); } else { window.location.reload(); }
      }
    }).catch(function () {});
  }
  if (url) { setInterval(poll, 2000); }
  if (clock) { setInterval(tick, 250); tick(); }
})();
"""
