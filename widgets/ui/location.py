"""The page's address, kept in step with the app page's view and inquiry.

    location = Location(view="3", inquiry="grub-hub", pages={"start.ipynb": "start", ...})
    location.observe(on_asked, names=["view", "inquiry"])   # a link, the back button
    location.announce("1 Engage, define and measure — Hidden Insights", "Engage…")

A small custom widget (anywidget; its JavaScript is the inline module below, nothing is
fetched). In the browser it

* writes ``view`` and ``inquiry`` into the address (``?inquiry=grub-hub&view=3``; the start
  view has no ``view``) with ``history.pushState`` whenever they change, so a reload, a
  bookmark and the back button come back to the same view and inquiry;
* sets them back from the address on ``popstate`` (back and forward buttons);
* turns a click on a link to one of the five notebooks (``pages``: file name -> view key, in
  the app page's own folder) or to the app page's own address into a switch inside the page,
  without a reload. The links keep their real ``href``: they still work in the separate step
  notebooks, and a middle click or Ctrl+click still opens a new tab;
* after :meth:`Location.announce`, once the heading shows the new words: sets
  ``document.title``, moves the keyboard focus to the heading (so a screen reader reads where
  the person is now) and marks ``<body data-hi-view="3" data-hi-shown="7">`` for tests;
* while the kernel has not answered a switch, dims the body; if it has not answered after
  20 s (it has stopped: out of memory, or restarted by the server), says so in a plain line
  at the top of the page with a button that reloads it.

The kernel is the judge: a view or inquiry the browser asks for is checked there (see
:class:`widgets.ui.app_page.AppPage`), and the kernel's answer is what the address shows.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

ESM = r"""
const SKIP = 'data-hi-no-switch';

function pageUrl() { return new URL(window.location.href); }

function wanted(model) {
  // The address for the model's view and inquiry, on the app page's own path.
  // Other parameters (a token, Voila's own) stay as they are.
  const url = pageUrl();
  const params = new URLSearchParams(url.search);
  const inquiry = model.get('inquiry');
  const view = model.get('view');
  params.delete('inquiry');
  params.delete('view');
  if (inquiry) { params.set('inquiry', inquiry); }
  if (view && view !== 'start') { params.set('view', view); }
  const query = params.toString();
  return url.pathname + (query ? '?' + query : '') + url.hash;
}

function here() { const url = pageUrl(); return url.pathname + url.search + url.hash; }

function fromUrl(model, url) {
  // {view, inquiry} when ``url`` is one of the five pages or the app page, else null.
  const page = pageUrl();
  if (url.origin !== page.origin) { return null; }
  const dir = (p) => p.slice(0, p.lastIndexOf('/') + 1);
  if (dir(url.pathname) !== dir(page.pathname)) { return null; }
  const file = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
  const pages = model.get('pages') || {};
  if (!(file in pages)) { return null; }
  let view = String(pages[file]);
  const params = url.searchParams;
  if (view === 'start' && params.get('view')) { view = params.get('view'); }
  return {view: view, inquiry: params.get('inquiry') || ''};
}

// A kernel that does not answer a switch for this long has most likely stopped (it ran out
// of memory, or the server restarted it): the first build of a view takes seconds, not this.
const PATIENCE_MS = 20000;
let noAnswer = null;

function showNoAnswer() {
  // Said plainly, with the one thing to do; the dimmed page alone would leave people waiting.
  if (document.querySelector('.hi-no-answer')) { return; }
  const box = document.createElement('div');
  box.className = 'hi-no-answer';
  box.setAttribute('role', 'alert');
  const words = document.createElement('p');
  words.textContent = 'The app has stopped answering. Reload the page to carry on: ' +
    'everything saved so far is kept.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'hi-no-answer-reload';
  reload.textContent = 'Reload the page';
  reload.addEventListener('click', () => window.location.reload());
  box.append(words, reload);
  document.body.prepend(box);
  reload.focus();
}

function busy(on) {
  // Until the kernel answers (building a view the first time takes a moment): dimmed.
  const body = document.querySelector('.hi-app-body');
  if (noAnswer !== null) { clearTimeout(noAnswer); noAnswer = null; }
  if (on) {
    document.body.dataset.hiSwitching = '1';
    if (body) { body.setAttribute('aria-busy', 'true'); }
    noAnswer = setTimeout(showNoAnswer, PATIENCE_MS);
  } else {
    delete document.body.dataset.hiSwitching;
    if (body) { body.removeAttribute('aria-busy'); }
    const box = document.querySelector('.hi-no-answer');
    if (box) { box.remove(); }  // it answered after all
  }
}

function ask(model, target) {
  if (target.view === model.get('view') && target.inquiry === model.get('inquiry')) {
    return false;
  }
  busy(true);
  model.set({view: target.view, inquiry: target.inquiry});
  model.save_changes();
  return true;
}

function initialize({ model }) {
  let timer = null;
  let first = true;
  const initial = model.get('shown');
  // The view and inquiry written into the address: a new history entry per switch, but
  // the page as it first loaded, and the kernel's last word on a switch, replace theirs.
  function follow(replace) {
    timer = null;
    const url = wanted(model);
    if (url === here()) { first = false; return; }
    const state = {hiView: model.get('view'), hiInquiry: model.get('inquiry')};
    if (first || replace) {
      window.history.replaceState(state, '', url);
    } else {
      window.history.pushState(state, '', url);
    }
    first = false;
  }
  function later() { if (timer === null) { timer = setTimeout(() => follow(false), 0); } }
  model.on('change:view', later);
  model.on('change:inquiry', later);

  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    const a = event.target && event.target.closest ? event.target.closest('a[href]') : null;
    if (!a || a.hasAttribute('download') || a.hasAttribute(SKIP) ||
        (a.target && a.target !== '_self')) { return; }
    let url;
    try { url = new URL(a.href, window.location.href); } catch (e) { return; }
    const target = fromUrl(model, url);
    if (target === null) { return; }
    event.preventDefault();
    ask(model, target);
  }
  function onPop() {
    const target = fromUrl(model, pageUrl());
    if (target !== null) { ask(model, target); }
  }
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', onPop);

  // After a switch: the title, the focus on the new heading, and a mark for tests.
  let waiting = null;
  function shown() {
    if (waiting !== null) { clearTimeout(waiting); }
    const count = model.get('shown');
    const words = (model.get('heading') || '').trim();
    const started = performance.now();
    function check() {
      waiting = null;
      const h1 = document.querySelector('.hi-app-heading h1');
      const ready = h1 && h1.textContent.trim() === words;
      if (!ready && performance.now() - started < 10000) {
        waiting = setTimeout(check, 20);
        return;
      }
      if (model.get('title')) { document.title = model.get('title'); }
      if (h1 && count !== initial) {  // a switch, not the page loading
        h1.setAttribute('tabindex', '-1');
        h1.focus({preventScroll: false});
      }
      busy(false);
      document.body.dataset.hiView = model.get('view');
      document.body.dataset.hiShown = String(count);
      if (timer === null) { follow(true); }
    }
    waiting = setTimeout(check, 0);
  }
  model.on('change:shown', shown);
  follow(true);
  shown();

  return () => {
    document.removeEventListener('click', onClick);
    window.removeEventListener('popstate', onPop);
    if (waiting !== null) { clearTimeout(waiting); }
    if (timer !== null) { clearTimeout(timer); }
  };
}

function render({ el }) { el.classList.add('hi-location'); }

export default { initialize, render };
"""


class Location(anywidget.AnyWidget):
    """The address of the app page (see the module docstring). Traits: ``view`` ("start",
    "1", "2", "3" or "dashboard"), ``inquiry`` (a slug or ""), ``pages`` (notebook file name
    -> view key), and what :meth:`announce` sets (``title``, ``heading``, ``shown``)."""

    _esm = ESM
    _css = ("body[data-hi-switching] .hi-app-body { opacity: 0.55; cursor: progress; "
            "transition: opacity 0.2s 0.15s; }\n"
            ".hi-no-answer { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; "
            "display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 1em; "
            "padding: 0.75em 1em; background: #fff3cd; color: #1a1a1a; "
            "border-bottom: 3px solid #7a5c00; font-size: 1.15em; }\n"
            ".hi-no-answer p { margin: 0; }\n"
            ".hi-no-answer-reload { font-size: 1em; padding: 0.3em 0.9em; }")
    view = traitlets.Unicode("start").tag(sync=True)
    inquiry = traitlets.Unicode("").tag(sync=True)
    pages = traitlets.Dict().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    heading = traitlets.Unicode("").tag(sync=True)
    shown = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.layout.display = "none"  # nothing to see; it only keeps the address

    def announce(self, view: str, inquiry: str, title: str, heading: str) -> None:
        """The page now shows ``view`` of ``inquiry``: the address follows (a new history
        entry), then the browser sets the tab's ``title`` and moves the focus to the
        heading once it reads ``heading``. One message for all of it."""
        with self.hold_sync():
            self.view, self.inquiry = view, inquiry
            self.title, self.heading = title, heading
            self.shown += 1
