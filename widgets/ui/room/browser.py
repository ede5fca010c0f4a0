"""The two small browser-side parts of the room panel (anywidget; their JavaScript is inline,
nothing is fetched from anywhere).

* :class:`Clock` — tells the kernel the page's address (``location.origin`` and the server's
  base URL), which the kernel cannot know but the join address is made of; and shows the
  countdown, counted down in the browser from the seconds left when the kernel last looked
  (the phones count from the same store time, so projector and phones agree).
* :class:`QueueList` — the moderation queue: every contribution with its Show, Hide and
  Take buttons, drawn with ``textContent`` (a participant's words are never parsed as HTML)
  and updated in place when new ones come in, so a button being pressed is not replaced.
  A click sends ``{"action", "id", "unit"}`` to the kernel, which decides (see
  :meth:`widgets.ui.room.queue.Queue.act`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import anywidget
import traitlets

CLOCK_ESM = r"""
function baseUrl() {
  // The server's base URL: Jupyter's page config (Voila and JupyterLab both write it),
  // else Voila's body attribute (".../voila/").
  const el = document.getElementById('jupyter-config-data');
  if (el) {
    try {
      const data = JSON.parse(el.textContent);
      if (data && typeof data.baseUrl === 'string') { return data.baseUrl; }
    } catch (e) { /* fall through */ }
  }
  const voila = document.body && document.body.dataset ? document.body.dataset.baseUrl : '';
  if (voila) { return voila.replace(/voila\/?$/, ''); }
  return '/';
}

function initialize({ model }) {
  const base = baseUrl();
  if (model.get('origin') !== window.location.origin || model.get('base_url') !== base) {
    model.set({origin: window.location.origin, base_url: base});
    model.save_changes();
  }
}

function words(left) {
  const m = Math.floor(left / 60), s = left % 60;
  return m + ':' + String(s).padStart(2, '0');
}

function render({ model, el }) {
  el.classList.add('hi-room-clock');
  el.setAttribute('role', 'timer');
  el.setAttribute('aria-live', 'off');
  let end = null, timer = null;
  function tick() {
    if (end === null) { el.textContent = ''; el.hidden = true; return; }
    const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    el.hidden = false;
    el.dataset.left = String(left);
    el.textContent = left > 0 ? words(left) + ' left' : 'Time is up';
    el.classList.toggle('hi-room-clock-up', left === 0);
  }
  function restart() {
    const seconds = model.get('seconds');
    end = seconds >= 0 ? performance.now() + seconds * 1000 : null;
    tick();
  }
  model.on('change:stamp', restart);
  model.on('change:seconds', restart);
  restart();
  timer = setInterval(tick, 250);
  return () => clearInterval(timer);
}

export default { initialize, render };
"""

QUEUE_ESM = r"""
const ACTIONS = {
  new: [['show', 'Show'], ['take', 'Take into the inquiry'], ['hide', 'Hide']],
  shown: [['hide', 'Hide'], ['take', 'Take into the inquiry']],
  hidden: [['show', 'Show'], ['take', 'Take into the inquiry']],
  taken: [],
};

function text(tag, cls, value) {
  const el = document.createElement(tag);
  if (cls) { el.className = cls; }
  el.textContent = value == null ? '' : String(value);
  el.dir = 'auto';
  return el;
}

function render({ model, el }) {
  el.classList.add('hi-room-queue-list');
  const list = document.createElement('ol');
  list.className = 'hi-room-items';
  list.setAttribute('aria-label', 'What came in from the room, newest first');
  const empty = text('p', 'hi-room-empty', 'Nothing has come in yet.');
  const units = document.createElement('datalist');
  units.id = 'hi-room-units-' + Math.random().toString(36).slice(2);
  el.append(empty, list, units);
  const rows = new Map();

  function send(action, id, unit) {
    model.send({action: action, id: id, unit: unit || ''});
  }

  function build(item) {
    const li = document.createElement('li');
    li.className = 'hi-room-item';
    li.dataset.id = String(item.id);
    return li;
  }

  function fill(li, item) {
    const key = JSON.stringify(item);
    if (li.dataset.key === key) { return; }
    li.dataset.key = key;
    li.dataset.status = item.status;
    li.dataset.kind = item.kind;
    li.replaceChildren();
    const head = document.createElement('div');
    head.className = 'hi-room-item-head';
    head.append(text('span', 'hi-room-kind', item.kind_words),
                text('span', 'hi-room-when', item.when),
                text('span', 'hi-room-status', item.status_words));
    if (item.nickname) { head.append(text('span', 'hi-room-nick', item.nickname)); }
    li.append(head, text('p', 'hi-room-text', item.text));
    if (item.detail) { li.append(text('p', 'hi-room-detail', item.detail)); }
    if (item.became) { li.append(text('p', 'hi-room-became', 'In the inquiry: ' + item.became)); }
    const tools = document.createElement('div');
    tools.className = 'hi-room-tools';
    let unit = null;
    if (item.kind === 'exception' && item.status !== 'taken') {
      const label = document.createElement('label');
      label.className = 'hi-room-unit';
      label.append(text('span', '', 'Which unit is it? '));
      unit = document.createElement('input');
      unit.type = 'text';
      unit.setAttribute('list', units.id);
      unit.className = 'hi-room-unit-input';
      unit.autocomplete = 'off';
      label.append(unit);
      tools.append(label);
    }
    for (const [action, words] of (ACTIONS[item.status] || [])) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'hi-room-' + action + ' jupyter-button';
      b.textContent = words;
      b.setAttribute('aria-label', words + ': ' + item.kind_words + ' ' + item.id);
      b.addEventListener('click', () => send(action, item.id, unit ? unit.value : ''));
      tools.append(b);
    }
    li.append(tools);
  }

  function draw() {
    const items = model.get('items') || [];
    empty.hidden = items.length > 0;
    const seen = new Set();
    let at = 0;
    for (let i = items.length - 1; i >= 0; i--, at++) {  // newest first
      const item = items[i];
      seen.add(item.id);
      let li = rows.get(item.id);
      if (!li) { li = build(item); rows.set(item.id, li); }
      fill(li, item);
      const here = list.children[at] || null;
      if (here !== li) { list.insertBefore(li, here); }
    }
    for (const [id, li] of rows) {
      if (!seen.has(id)) { li.remove(); rows.delete(id); }
    }
  }

  function drawUnits() {
    units.replaceChildren(...(model.get('units') || []).map((u) => {
      const o = document.createElement('option'); o.value = u; return o;
    }));
  }
  model.on('change:items', draw);
  model.on('change:units', drawUnits);
  draw();
  drawUnits();
}

export default { render };
"""

#: Host names that only this computer can reach (phones cannot).
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


class Clock(anywidget.AnyWidget):
    """The page's address as the browser sees it (``origin``, ``base_url``; set by the
    browser, so untrusted: see :func:`page_base`) and the countdown (``seconds`` left when
    set, -1 for none; bump ``stamp`` to restart from ``seconds``)."""

    _esm = CLOCK_ESM
    origin = traitlets.Unicode("").tag(sync=True)
    base_url = traitlets.Unicode("").tag(sync=True)
    seconds = traitlets.Int(-1).tag(sync=True)
    stamp = traitlets.Int(0).tag(sync=True)

    def count_down(self, seconds: int | None) -> None:
        """Show ``seconds`` counting down (None: no countdown)."""
        with self.hold_sync():
            self.seconds = -1 if seconds is None else max(0, int(seconds))
            self.stamp += 1


class QueueList(anywidget.AnyWidget):
    """The queue as the browser draws it: ``items`` (dicts with ``id``, ``kind``,
    ``kind_words``, ``text``, ``detail``, ``nickname``, ``when``, ``status``,
    ``status_words``, ``became``) and ``units`` (the unit ids offered for a positive
    exception)."""

    _esm = QUEUE_ESM
    items = traitlets.List().tag(sync=True)
    units = traitlets.List().tag(sync=True)


def page_base(origin: Any, base_url: Any) -> tuple[str, bool] | None:
    """``(origin + base URL, local)`` from what the browser reported, or None when it is not
    a plain http(s) address. ``local`` is True when the host is this computer only
    (127.0.0.1, localhost), which phones cannot reach."""
    if not isinstance(origin, str) or not isinstance(base_url, str):
        return None
    if len(origin) > 300 or len(base_url) > 500:
        return None
    try:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or parts.path or parts.query:
        return None
    if any(ch in origin for ch in " \"'<>\\`") or any(ch in base_url for ch in " \"'<>\\`?#"):
        return None
    base = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    local = host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")
    return f"{parts.scheme}://{parts.netloc}{base}", local
