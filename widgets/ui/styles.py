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
@media print {
  .hi-nav-link, .hi-guidance, .hi-upload, .hi-download-box, .hi-who { display: none !important; }
  .hi-nav-bar { border: none; }
  .hi-nav-inquiry { margin-left: 0; font-style: normal; font-weight: 600; }
}
"""


def style_widget() -> ipw.HTML:
    """The ``<style>`` element for the shared parts (add it once per page)."""
    widget = ipw.HTML(f"<style>{CSS}</style>")
    widget.add_class("hi-styles")
    return widget
