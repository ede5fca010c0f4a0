"""The look of the shared parts, as one ``<style>`` element every page includes once.

It is scoped to ``.hi-page`` so it also works inside JupyterLab without touching the rest of
the notebook; the Voila template (templates/voila/templates/hidden-insights/static) adds the
page-wide typography, projector sizes and the print stylesheet.
"""

from __future__ import annotations

import ipywidgets as ipw

CSS = """
.hi-page {
  --hi-accent: #005a9c; --hi-accent-soft: #e6f0f8; --hi-ok: #1b6e20; --hi-error: #b00020;
  --hi-muted: #4a4a4a; --hi-card: #f6f7f9; --hi-border: #c9ced6;
  --jp-widgets-font-size: 1rem; --jp-widgets-inline-height: 2.2em;
  --jp-widgets-inline-label-width: 12em; --jp-widgets-inline-width: 100%;
  max-width: 72rem; gap: 0.75rem;
}
.hi-page a { color: var(--hi-accent); }
.hi-page .widget-html-content, .hi-page .widget-label, .hi-page .widget-inline-hbox,
.hi-page input, .hi-page textarea, .hi-page select, .hi-page .jupyter-button {
  font-size: inherit; line-height: 1.5; }
.hi-page .widget-html-content { white-space: normal; }
.hi-nav-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1rem;
  padding: 0.5rem 0; border-bottom: 2px solid var(--hi-border); }
.hi-nav-link { padding: 0.3rem 0.6rem; border-radius: 0.4rem; text-decoration: none;
  font-weight: 600; }
.hi-nav-link:hover, .hi-nav-link:focus { background: var(--hi-accent-soft); }
.hi-nav-link.hi-current { background: var(--hi-accent); color: #fff !important; }
.hi-nav-inquiry { margin-left: auto; font-style: italic; color: var(--hi-muted); }
.hi-page-header { align-items: baseline; gap: 1rem; flex-wrap: wrap; }
.hi-page-title h1 { margin: 0.3rem 0; font-size: 1.8rem; }
.hi-save-status { color: var(--hi-muted); }
.hi-page .hi-upload-button { font-size: 0 !important; flex-shrink: 0; overflow: visible;
  padding: 4px 18px !important; }
.hi-page .hi-upload-button::after { content: attr(title);
  font-size: var(--jp-widgets-font-size, 18px); }
.hi-page .hi-upload-button i { font-size: var(--jp-widgets-font-size, 18px);
  margin-right: 0.4em; }
.hi-save-failed { color: var(--hi-error); font-weight: 600; }
.hi-guidance { gap: 1rem; flex-wrap: wrap; align-items: flex-start; }
.hi-guidance > * { flex: 1 1 22rem; }
.hi-card { background: var(--hi-card); border: 1px solid var(--hi-border);
  border-radius: 0.5rem; padding: 0.5rem 1rem; }
.hi-card summary { cursor: pointer; font-weight: 600; color: var(--hi-muted); }
.hi-card ul { margin: 0.4rem 0 0.2rem 0; padding-left: 1.2rem; }
.hi-card li { margin: 0.3rem 0; line-height: 1.4; }
.hi-message { min-height: 0; }
.hi-message-error { color: var(--hi-error); font-weight: 600; }
.hi-message-ok { color: var(--hi-ok); }
.hi-message-info { color: var(--hi-muted); }
.hi-error-box.hi-message-error { background: #fdecee; border-left: 4px solid var(--hi-error);
  padding: 0.4rem 0.8rem; }
.hi-notice { background: #fff8e1; border-left: 4px solid #b26a00; padding: 0.5rem 1rem; }
.hi-section h2 { font-size: 1.35rem; margin: 1rem 0 0.4rem 0; }
.hi-steps { gap: 1rem; flex-wrap: wrap; }
.hi-step-card { display: block; min-width: 12rem; flex: 1 1 12rem; text-decoration: none;
  border: 2px solid var(--hi-accent); border-radius: 0.6rem; padding: 0.8rem 1rem; }
.hi-step-card strong { display: block; font-size: 1.2rem; }
.hi-step-card span { color: var(--hi-muted); }
.hi-step-card:hover, .hi-step-card:focus { background: var(--hi-accent-soft); }
.hi-table { border-collapse: collapse; width: 100%; }
.hi-table th, .hi-table td { text-align: left; padding: 0.35rem 0.6rem;
  border-bottom: 1px solid var(--hi-border); }
.hi-page .widget-button, .hi-page .jupyter-button { height: auto; min-height: 2.2em;
  padding: 0.2em 1em; }
.hi-ready-marker { display: none; }
.hi-room-section .jupyter-widget-Collapse-header, .hi-room-section .lm-Collapse-header,
.hi-room-section .p-Collapse-header { color: #1a1a1a; background: var(--hi-card);
  font-weight: 600; }
/* The room's buttons as wide as their words (ipywidgets' default cuts "Open the room"). */
.hi-room-section .jupyter-button { width: auto; }
.hi-page .hi-label-above.widget-inline-hbox, .hi-page .hi-label-above {
  flex-direction: column; align-items: stretch; height: auto; }
.hi-page .hi-label-above > .widget-label { width: auto; max-width: 100%; text-align: left;
  font-weight: 600; line-height: 1.3; margin: 0 0 0.15rem 0; height: auto; white-space: normal;
  overflow: visible; }
.hi-page .hi-label-above > .widget-toggle-buttons, .hi-page .hi-label-above > input,
.hi-page .hi-label-above > select, .hi-page .hi-label-above > textarea {
  align-self: flex-start; max-width: 100%; flex: 0 0 auto; }
.hi-page .hi-label-above > input, .hi-page .hi-label-above > select {
  height: var(--jp-widgets-inline-height); align-self: stretch; }
.hi-page .hi-row.hi-row-labelled { align-items: flex-end; }
.hi-page .hi-label-above.widget-textarea > textarea { align-self: stretch; }
.hi-page .hi-label-hidden > .widget-label { position: absolute !important; width: 1px;
  height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0; }
.hi-page p a, .hi-page li a, .hi-page td a, .hi-hint a { text-decoration: underline; }
/* An HTML widget's content may not grow wider than the page: a wide table inside scrolls in
   its own box (.hi-scroll) instead of pushing the page sideways. */
.hi-page .widget-html > .widget-html-content { min-width: 0; max-width: 100%; }
.hi-scroll { overflow-x: auto; max-width: 100%; position: relative;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 2.5rem 100%
      no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,0.3), rgba(0,0,0,0)) left / 0.9rem 100%
      no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,0.3), rgba(0,0,0,0)) right /
      0.9rem 100% no-repeat scroll; }
.hi-scroll:focus-visible { outline: 3px solid var(--hi-accent, #005a9c); outline-offset: 2px; }
.hi-scroll > table th:first-child, .hi-scroll > table td:first-child {
  position: sticky; left: 0; z-index: 1; background: #fff;
  box-shadow: 1px 0 0 var(--hi-border, #c9ced6), 6px 0 6px -4px rgba(0,0,0,0.18); }
/* Grids of widgets (the units table, the practice checks): the first column's cells. */
.hi-units-grid > :first-child, .hi-units-grid > .hi-cell-unit_id, .hi-scroll .hi-sticky {
  position: sticky; left: 0; z-index: 1; background: #fff; align-self: stretch;
  align-items: center; box-shadow: 6px 0 0 #fff, 8px 0 6px -3px rgba(0,0,0,0.22); }
@keyframes hi-more-right {
  0%, 98% { -webkit-mask-image: linear-gradient(to left, rgba(0,0,0,0.2), #000 3.5rem);
    mask-image: linear-gradient(to left, rgba(0,0,0,0.2), #000 3.5rem); }
  100% { -webkit-mask-image: none; mask-image: none; } }
@supports (animation-timeline: scroll()) {
  /* The right edge fades while there is more to the right (no script: the animation follows
     the box's own sideways scroll, and does nothing when the box does not scroll). */
  .hi-scroll { animation: hi-more-right linear both;
    animation-timeline: scroll(self inline); }
}
.hi-scroll-hint { display: none; color: var(--hi-muted); font-size: 0.9em; margin: 0.2rem 0; }
@media (max-width: 48rem) {
  .hi-page .jupyter-widgets { max-width: 100%; }
  .hi-page .widget-inline-hbox, .hi-page .widget-box > .jupyter-widgets { min-width: 0; }
  .hi-page .widget-text input, .hi-page .widget-dropdown select { min-width: 0; }
  .hi-page .widget-checkbox label, .hi-page .widget-label-basic span,
  .hi-page .widget-checkbox { white-space: normal; height: auto; }
  .hi-scroll-hint { display: block; }
  /* A control with its label beside it puts the label above when both do not fit. */
  .hi-page .widget-inline-hbox:not(.hi-label-above) { flex-wrap: wrap; }
  .hi-page .widget-inline-hbox > .widget-label { max-width: 100%; text-align: left; }
  .hi-scroll > table { min-width: 36rem; }
  .hi-scroll > table.hi-candidates td:nth-child(n+4) { min-width: 12rem; }
  .hi-scroll > table.hi-compare-table { min-width: 44rem; }
  .hi-page .jupyter-button { white-space: normal; height: auto; }  /* no "Re…" for Remove */
}
@media print {
  .hi-nav-link, .hi-guidance, .hi-upload, .hi-download-box, .hi-who { display: none !important; }
  .hi-nav-bar { border: none; }
  .hi-nav-inquiry { margin-left: 0; font-style: normal; font-weight: 600; }
}
"""


def label_above(widget: ipw.Widget, text: str) -> ipw.Widget:
    """Give ``widget`` its own label, shown above it: the ``<label for>`` ipywidgets draws
    from ``description`` (so clicking it focuses the box, and screen readers announce it)."""
    widget.description = text
    widget.add_class("hi-label-above")
    return widget


def label_hidden(widget: ipw.Widget, text: str) -> ipw.Widget:
    """Give ``widget`` a linked label that only screen readers see (for controls whose
    visible words are elsewhere: a table's header, a row's name)."""
    widget.description = text
    widget.add_class("hi-label-hidden")
    return widget


def scroll_table(table_html: str, name: str) -> str:
    """A wide HTML table inside a box that scrolls sideways on a narrow screen: the first
    column stays in view, a shadow at the edge shows there is more, and the box can be
    scrolled from the keyboard (it takes focus, named ``name``). ``table_html`` and
    ``name`` must already be escaped."""
    return (f'<p class="hi-scroll-hint" aria-hidden="true">Scroll the table sideways to see '
            f'every column →</p><div class="hi-scroll" tabindex="0" role="region" '
            f'aria-label="{name}">{table_html}</div>')


def style_widget() -> ipw.HTML:
    """The ``<style>`` element for the shared parts (add it once per page)."""
    widget = ipw.HTML(f"<style>{CSS}</style>")
    widget.add_class("hi-styles")
    return widget
