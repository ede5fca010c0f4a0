"""The look of step 3 and of the parts it shares with the dashboard (one ``<style>``, fixed
text: no person text ever goes into it)."""

from __future__ import annotations

import ipywidgets as ipw

CSS = """
.hi-step3 { gap: 0.5rem; }
.hi-step3 .hi-section { border-top: 2px solid var(--hi-border, #c9ced6); padding-top: 0.4rem;
  margin-top: 1rem; gap: 0.5rem; }
.hi-step3 .hi-intro { color: var(--hi-muted, #4a4a4a); margin: 0.2rem 0 0.4rem 0; }
.hi-field { gap: 0.1rem; width: 100%; }
.hi-field-label .hi-label { font-weight: 600; }
.hi-hint { color: var(--hi-muted, #4a4a4a); font-weight: normal; }
.hi-form { background: var(--hi-card, #f6f7f9); border: 1px solid var(--hi-border, #c9ced6);
  border-radius: 0.5rem; padding: 0.6rem 1rem; gap: 0.5rem; }
.hi-form-buttons { gap: 0.6rem; align-items: center; flex-wrap: wrap; }
.hi-form .widget-hbox { gap: 0.8rem; align-items: center; }
.hi-card-row { gap: 0.8rem; align-items: flex-start; border: 1px solid var(--hi-border, #c9ced6);
  border-radius: 0.5rem; padding: 0.4rem 0.8rem; }
.hi-card-row > .widget-html { flex: 1 1 auto; min-width: 0; }
.hi-card-row .hi-card-buttons { flex: 0 0 auto; gap: 0.3rem; }
.hi-item h3 { margin: 0.2rem 0 0.3rem 0; font-size: 1.15rem; overflow-wrap: anywhere; }
.hi-item .hi-fact { margin: 0.15rem 0; overflow-wrap: anywhere; }
.hi-fact-label { font-weight: 600; color: var(--hi-muted, #4a4a4a); }
.hi-checklist { gap: 0; }
.hi-checklist .widget-checkbox { width: auto; }
.hi-check button.widget-toggle-button:nth-child(1).mod-active { background: #1b6e20;
  color: #fff; }
.hi-check button.widget-toggle-button:nth-child(2).mod-active { background: #5a5a5a;
  color: #fff; }
.hi-check button.widget-toggle-button:nth-child(3).mod-active { background: #fff;
  color: #111; box-shadow: inset 0 0 0 2px #5a5a5a; }
.hi-check-filter .widget-toggle-button { width: auto; }
.hi-step3 .hi-upload-button { width: auto; }
.hi-compare-table { table-layout: fixed; width: 100%; border-collapse: collapse; }
.hi-compare-table col.hi-col-what { width: 25%; }
.hi-compare-table col.hi-col-exceptions, .hi-compare-table col.hi-col-others { width: 15%; }
.hi-compare-table col.hi-col-difference { width: 13%; }
.hi-compare-table col.hi-col-note { width: 32%; }
.hi-compare-table th, .hi-compare-table td { overflow-wrap: break-word; word-break: normal;
  vertical-align: top; padding: 0.3rem 0.4rem; }
.hi-compare-table th { line-height: 1.2; }
.hi-compare-table .hi-nowrap { white-space: nowrap; }
.hi-compare-table .hi-chance { color: var(--hi-muted, #4a4a4a); font-size: 0.9em; }
.hi-compare, .hi-progress-table { overflow-x: auto; max-width: 100%; }
.hi-badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem;
  font-size: 0.9em; font-weight: 600; margin-left: 0.3rem; }
.hi-badge-useless { background: #eee; color: #444; border: 1px dashed #777; }
.hi-badge-unsure { background: #fff8e1; color: #6b4d00; }
.hi-badge-yes { background: #e7f4ea; color: #1b6e20; }
.hi-badge-exception { background: #fbe9e0; color: #8a3a00; }
.hi-useless h3 { text-decoration: none; color: #555; }
.hi-warning { background: #fff8e1; border-left: 4px solid #b26a00; padding: 0.3rem 0.8rem; }
.hi-balance { font-weight: 600; }
.hi-empty { color: var(--hi-muted, #4a4a4a); font-style: italic; }
.hi-figure { margin: 0.5rem 0; }
.hi-figure img { max-width: 100%; height: auto; }
.hi-figure figcaption { color: var(--hi-muted, #4a4a4a); }
.hi-pending { color: var(--hi-muted, #4a4a4a); font-style: italic; }
.hi-check-grid { overflow-x: auto; gap: 0.25rem 0.6rem; align-items: center; }
.hi-check-grid .hi-check-head { font-weight: 600; font-size: 0.9em; line-height: 1.2; }
.hi-check-grid .hi-check-unit { overflow-wrap: anywhere; }
.hi-check-grid .widget-toggle-buttons .widget-toggle-button { min-width: 2.6em; width: auto;
  padding: 0 0.4em; }
.hi-check-grid .hi-exception-row { font-weight: 600; }
.hi-pager { gap: 0.6rem; align-items: center; flex-wrap: wrap; }
.hi-compare-table td.num, .hi-compare-table th.num { text-align: right; }
.hi-compare-table tr.hi-spread td:first-child { font-weight: 600; }
.hi-progress-grid { gap: 0.2rem 0.8rem; align-items: center; }
.hi-progress-grid .hi-progress-head { font-weight: 600; }
.hi-sentence { font-size: 1.15rem; font-weight: 600; }
.hi-progress-table td:nth-child(-n+4), .hi-progress-table th:nth-child(-n+4) {
  white-space: nowrap; }
"""


def style_widget() -> ipw.HTML:
    """The ``<style>`` element for step 3 (fixed text, no person text)."""
    widget = ipw.HTML(f"<style>{CSS}</style>")
    widget.add_class("hi-step3-styles")
    return widget
