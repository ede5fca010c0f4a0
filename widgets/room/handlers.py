"""The participant routes: tornado handlers served by the Jupyter server extension
``widgets.room``, open without the server's token (and without a kernel per phone).

Safety, route by route:

- The handlers are plain ``tornado.web.RequestHandler`` subclasses (not JupyterHandler), so
  they reach nothing of Jupyter: only the store's room API, through :class:`RoomApp`.
- XSRF: the server runs with ``xsrf_cookies=True``; every POST must carry the ``_xsrf`` form
  field matching the ``_xsrf`` cookie. The request body is streamed (to refuse big bodies
  before reading them), so tornado's own check, which runs before the body is read, is
  deferred and made here once the body is parsed: a POST without it is refused (403).
- Bodies over :data:`limits.MAX_BODY` bytes are refused (413) from the headers, or as soon as
  the streamed body passes the limit; nothing is read into the store.
- Token buckets per device, per room and (wrong codes) per address answer 429 "slow down".
- A wrong code and a closed room get the same 404 page; nothing says which.
- A random device cookie (HttpOnly, SameSite=Lax) is all that is kept about a phone, and only
  as a hash (``codes.device_id``).
- Every response has a Content-Security-Policy that allows only this server's own CSS,
  script and forms; every text is escaped (``pages.esc``).
- Store calls run in a small thread pool, so a slow disk never blocks the server's loop.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import tornado.web
from tornado import httputil

from widgets import join_codes as codes
from widgets.model import ModelError
from widgets.room import limits, pages

try:  # jupyter_server >= 2.13 warns about handlers that do not say they are public
    from jupyter_server.auth.decorator import allow_unauthenticated
except ImportError:  # pragma: no cover - older jupyter_server, or tornado alone
    def allow_unauthenticated(method):
        return method

#: The phone's random cookie (the store keeps only its hash).
DEVICE_COOKIE = "hi_room_device"
KINDS = ("answer", "exception", "practice")
#: Form fields a participant may send (anything else is ignored).
_FIELDS = ("text", "detail", "nickname", "choice", "_xsrf")


class RoomApp:
    """What the handlers share: the store (opened on first use, like a kernel's), the
    thread pool for store calls, the rate limits and a cache of group pages."""

    def __init__(self, base_url: str = "/", *, store_factory: Callable[[], Any] | None = None,
                 rate_limits: limits.Limits | None = None, workers: int = 4):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.limits = rate_limits or limits.Limits.default()
        self.executor = ThreadPoolExecutor(max_workers=workers,
                                           thread_name_prefix="room-store")
        self._store_factory = store_factory
        self._store = None
        self._store_lock = threading.Lock()
        self._group_cache: dict[str, tuple[int, dict[str, Any]]] = {}
        self._group_locks: dict[str, threading.Lock] = {}

    def store(self):
        """The store the server process opens: the same as a kernel's (runs in the pool)."""
        with self._store_lock:
            if self._store is None:
                if self._store_factory is not None:
                    self._store = self._store_factory()
                else:
                    from widgets.hub import open_server_store

                    self._store = open_server_store()
            return self._store

    async def call(self, name: str, *args, **kwargs):
        """``store.<name>(*args, **kwargs)`` in the pool, so the event loop keeps serving."""
        def work():
            return getattr(self.store(), name)(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    async def run(self, fn: Callable[..., Any], *args):
        """Any blocking function of the store in the pool."""
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, functools.partial(fn, *args))

    def group_view(self, slug: str) -> dict[str, Any]:
        """What the group's page shows (blocking). Built from the report's context, which
        takes seconds (it draws the figures), so it is cached until the group's work
        changes, and built by one thread at a time while the other requests wait for it."""
        store = self.store()
        with self._store_lock:
            lock = self._group_locks.setdefault(slug, threading.Lock())
        with lock:
            version = store.group_version(slug)
            cached = self._group_cache.get(slug)
            if cached is not None and cached[0] == version:
                return cached[1]
            view = group_view(store.get(slug))
            self._group_cache[slug] = (version, view)
            return view


def group_view(inquiry) -> dict[str, Any]:
    """The group's page from the report's context (the report masks real names in free
    text): the issue, the baseline sentence, how many exceptions are confirmed (a count, no
    ids), the practices worth spreading, the actions (what and when; no names of leads) and
    the progress."""
    from widgets.report import report_context
    from widgets.words import count_words

    context = report_context(inquiry)
    confirmed = sum(1 for e in inquiry.exceptions if e.status == "confirmed")
    return {
        "issue": context["issue"]["parts"],
        "baseline": context["measure"]["baseline"],
        "exceptions": (f"The group has confirmed "
                       f"{count_words(confirmed, 'positive exception')} so far."),
        "practices": [{"what": p["what"], "how": p["how"]}
                      for p in context["practices"]["spread"]],
        "actions": [{"what": a["what"], "when": a["when"]} for a in context["actions"]],
        "progress": context["progress"]["sentence"],
    }


class _Base(tornado.web.RequestHandler):
    """Headers, errors and the device cookie shared by every participant route."""

    def initialize(self, app: RoomApp) -> None:
        self.app = app

    @property
    def base(self) -> str:
        return self.app.base_url

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", pages.CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A plain page, never a traceback."""
        words = {
            403: ("This form has expired", "Reload the page, then send again."),
            404: (pages.CLOSED_TITLE, pages.CLOSED_TEXT),
            405: ("Not here", "This address only shows a page."),
            413: ("That is too much text", "Send a shorter text (at most "
                                           "280 characters)."),
            429: ("Slow down", "You are sending too fast. Wait a few seconds, then try "
                               "again."),
        }
        title, text = words.get(status_code, (
            "Something went wrong", "Try again in a moment. If it keeps happening, tell the "
                                    "facilitator."))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if status_code == 404:
            self.finish(pages.closed_page(base=self.base))
        else:
            self.finish(pages.message_page(title, text, base=self.base))

    def log_exception(self, typ, value, tb) -> None:
        # Expected refusals (403, 413, 429 …) are not errors worth a traceback in the log.
        if isinstance(value, tornado.web.HTTPError):
            return
        super().log_exception(typ, value, tb)

    def device(self) -> str | None:
        """This phone's opaque id (a hash of its cookie), or None when it has no cookie."""
        cookie = self.get_cookie(DEVICE_COOKIE)
        if not cookie or len(cookie) > 100:
            return None
        return codes.device_id(cookie)

    def ensure_device(self) -> None:
        """Give the phone its random cookie when it has none (on a page it will post from)."""
        if self.get_cookie(DEVICE_COOKIE):
            return
        self.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), path=f"{self.base}room",
                        httponly=True, samesite="Lax", expires_days=1,
                        secure=self.request.protocol == "https")

    def guessed(self) -> bool:
        """Count one wrong code for this address; True when it must slow down."""
        return not self.app.limits.guesses.allow(self.request.remote_ip or "?")

    def closed(self) -> None:
        """The one page for a wrong code and a closed room (or "slow down" for guessing)."""
        if self.guessed():
            raise tornado.web.HTTPError(429)
        raise tornado.web.HTTPError(404)

    def html(self, text: str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)

    async def found(self, code: str):
        """``(code, slug, room)`` for an open room, else the closed page (raises)."""
        normal = codes.normalise(code)
        found = await self.app.call("room_by_code", normal) if normal else None
        if found is None:
            self.closed()
        return normal, found[0], found[1]


class JoinHandler(_Base):
    """``GET /room``: type the code; ``?code=…`` goes on to that room's page."""

    @allow_unauthenticated
    async def get(self) -> None:
        typed = self.get_query_argument("code", "")
        if not typed:
            return self.html(pages.join_page(base=self.base))
        code = codes.normalise(typed)
        if code is None:
            if self.guessed():
                raise tornado.web.HTTPError(429)
            return self.html(pages.join_page(
                base=self.base, typed=typed[:20],
                error="A code has 8 letters and numbers, like K7QF 3MXA."), 400)
        self.redirect(f"{self.base}room/{code}", status=303)


class AssetHandler(_Base):
    """``GET /room/assets/room.css|room.js``: the page's own CSS and script."""

    FILES = {"room.css": ("text/css; charset=utf-8", pages.CSS),
             "room.js": ("text/javascript; charset=utf-8", pages.JS)}

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "public, max-age=3600")

    @allow_unauthenticated
    def get(self, name: str) -> None:
        kind, text = self.FILES[name]
        self.set_header("Content-Type", kind)
        self.finish(text)


class PhoneHandler(_Base):
    """``GET /room/<code>``: the phone page."""

    @allow_unauthenticated
    async def get(self, code: str) -> None:
        code, slug, room = await self.found(code)
        self.ensure_device()
        sent = self.get_query_argument("sent", "")
        await render_phone(self, code, slug, room, sent=sent)


async def render_phone(handler: _Base, code: str, slug: str, room, *, sent: str = "",
                       error: str = "", typed: dict[str, str] | None = None,
                       status: int = 200) -> None:
    """Render the phone page for an open room (title and vote read in the pool)."""
    app = handler.app
    summary = await app.call("summary", slug)
    poll = await app.call("poll_results", slug) if room.poll_id is not None else None
    view = pages.PhoneView(base=handler.base, code=code, title=summary.title, room=room,
                           poll=poll, xsrf=handler.xsrf_token.decode("ascii"), sent=sent,
                           error=error, typed=typed or {})
    handler.html(pages.phone_page(view), status)


class StateHandler(_Base):
    """``GET /room/<code>/state``: the small JSON the phone polls every 2 s."""

    @allow_unauthenticated
    async def get(self, code: str) -> None:
        normal = codes.normalise(code)
        found = await self.app.call("room_by_code", normal) if normal else None
        self.set_header("Content-Type", "application/json; charset=utf-8")
        if found is None:
            if self.guessed():
                raise tornado.web.HTTPError(429)
            self.set_status(404)
            return self.finish(json.dumps({"open": False}))
        slug, room = found
        poll = (await self.app.call("poll_results", slug)
                if room.poll_id is not None and room.results_shown else None)
        self.finish(json.dumps(pages.state(room, poll), ensure_ascii=False))


class GroupHandler(_Base):
    """``GET /room/<code>/group``: the group's page."""

    @allow_unauthenticated
    async def get(self, code: str) -> None:
        code, slug, _room = await self.found(code)
        summary = await self.app.call("summary", slug)
        view = await self.app.run(self.app.group_view, slug)
        self.html(pages.group_page(base=self.base, code=code, title=summary.title, view=view))


@tornado.web.stream_request_body
class SendHandler(_Base):
    """``POST /room/<code>/answer|exception|practice|vote``: what a phone sends."""

    _checking = False

    def check_xsrf_cookie(self) -> None:
        # Tornado calls this before a streamed body is read, when the form's _xsrf field
        # cannot be seen yet: the check is made in post(), once the body is parsed.
        if self._checking:
            super().check_xsrf_cookie()

    def prepare(self) -> None:
        self._body = bytearray()
        self._too_big = False
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > limits.MAX_BODY):
            raise tornado.web.HTTPError(413)
        # Tornado itself refuses (and stops reading) anything longer.
        self.request.connection.set_max_body_size(limits.MAX_BODY)

    def data_received(self, chunk: bytes) -> None:
        if len(self._body) + len(chunk) > limits.MAX_BODY:
            self._too_big = True
            return
        self._body += chunk

    def _form(self) -> dict[str, str]:
        content_type = self.request.headers.get("Content-Type", "")
        arguments: dict[str, list[bytes]] = {}
        if content_type.startswith("application/x-www-form-urlencoded") or \
                content_type.startswith("multipart/form-data"):
            httputil.parse_body_arguments(content_type, bytes(self._body), arguments, {},
                                          self.request.headers)
        for name, values in arguments.items():
            self.request.body_arguments.setdefault(name, []).extend(values)
            self.request.arguments.setdefault(name, []).extend(values)
        out = {}
        for name in _FIELDS:
            values = arguments.get(name)
            if values:
                try:
                    out[name] = values[-1].decode("utf-8")
                except UnicodeDecodeError:
                    out[name] = values[-1].decode("utf-8", "replace")
        return out

    @allow_unauthenticated
    async def post(self, code: str, kind: str) -> None:
        if self._too_big:
            raise tornado.web.HTTPError(413)
        form = self._form()
        self._checking = True
        self.check_xsrf_cookie()  # 403 without the form's _xsrf matching the cookie
        device = self.device()
        normal = codes.normalise(code)
        if normal is None:
            self.closed()
        limits_ = self.app.limits
        if device is not None and not limits_.device.allow(device):
            raise tornado.web.HTTPError(429)
        if not limits_.room.allow(normal):
            raise tornado.web.HTTPError(429)
        found = await self.app.call("room_by_code", normal)
        if found is None:
            self.closed()
        slug, room = found
        typed = {k: v for k, v in form.items() if k != "_xsrf"}
        if device is None:
            self.ensure_device()
            return await render_phone(
                self, normal, slug, room, typed=typed, status=400,
                error="This phone could not be recognised: allow cookies for this page, "
                      "then send again.")
        from widgets.store.rooms import RoomClosed

        try:
            if kind == "vote":
                await self.app.call("cast_vote", normal, device, form.get("choice", ""))
            else:
                await self.app.call("add_contribution", normal, kind, form.get("text", ""),
                                    device, nickname=form.get("nickname"),
                                    detail=form.get("detail") if kind == "practice" else None)
        except RoomClosed:
            raise tornado.web.HTTPError(404) from None
        except ModelError as e:
            # The room may have moved on meanwhile: show it as it is now, with what was typed.
            again = await self.app.call("room_by_code", normal)
            if again is None:
                raise tornado.web.HTTPError(404) from None
            return await render_phone(self, normal, slug, again[1], error=str(e), typed=typed,
                                      status=400)
        self.redirect(f"{self.base}room/{normal}?sent={quote(kind)}", status=303)


def handlers(app: RoomApp) -> list[tuple[str, type, dict[str, Any]]]:
    """The participant routes below ``app.base_url``."""
    base = app.base_url + "room"
    options = {"app": app}
    return [
        (rf"{base}/?", JoinHandler, options),
        (rf"{base}/assets/(room\.css|room\.js)", AssetHandler, options),
        (rf"{base}/([^/]{{1,64}})/?", PhoneHandler, options),
        (rf"{base}/([^/]{{1,64}})/state", StateHandler, options),
        (rf"{base}/([^/]{{1,64}})/group", GroupHandler, options),
        (rf"{base}/([^/]{{1,64}})/({'|'.join((*KINDS, 'vote'))})", SendHandler, options),
    ]


def setup(serverapp) -> RoomApp:
    """Add the participant routes to a Jupyter server (the extension's load hook)."""
    base_url = serverapp.web_app.settings.get("base_url", "/")
    app = RoomApp(base_url)
    serverapp.web_app.add_handlers(".*$", handlers(app))
    serverapp.log.info("Hidden Insights room: phones join at %sroom", app.base_url)
    return app
