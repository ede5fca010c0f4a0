"""The shared style sheet."""

import re

from widgets.ui.styles import CSS, style_widget


def test_style_widget_holds_the_css():
    w = style_widget()
    assert w.value == f"<style>{CSS}</style>" and "hi-styles" in w._dom_classes


def test_css_is_scoped_and_local():
    assert "://" not in CSS and "@import" not in CSS  # no request to another host
    assert CSS.count("{") == CSS.count("}")
    # every rule outside @media targets our own classes, so JupyterLab is left alone
    body = re.sub(r"@media print \{.*\}\s*$", "", CSS.strip(), flags=re.S)
    # keyframe steps ("0%", "100%") are not selectors: the animation's name is ours
    assert all(name.startswith("hi-") for name in re.findall(r"@keyframes ([\w-]+)", body))
    body = re.sub(r"@keyframes [\w-]+ \{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", body)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)  # comments are not selectors
    for selector in re.findall(r"([^{}]+)\{[^{}]*\}", body):
        for part in selector.split(","):
            assert ".hi-" in part, part


def test_ui_modules_import_light():
    import subprocess
    import sys

    code = ("import sys, widgets.ui, widgets.ui.start; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'seaborn', 'scipy', 'statsmodels',"
            " 'openpyxl', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_labels_and_scrolling_tables():
    import ipywidgets as ipw

    from widgets.ui.styles import label_above, label_hidden, scroll_table

    box = label_above(ipw.Text(), "Name or nickname")
    assert box.description == "Name or nickname" and "hi-label-above" in box._dom_classes
    cell = label_hidden(ipw.Text(), "F01: outcome")
    assert cell.description == "F01: outcome" and "hi-label-hidden" in cell._dom_classes
    wrapped = scroll_table("<table><tr><td>x</td></tr></table>", "Candidates")
    assert '<div class="hi-scroll" tabindex="0" role="region" aria-label="Candidates">' in wrapped
    assert wrapped.endswith("</table></div>") and 'class="hi-scroll-hint"' in wrapped
    # the first column stays in view, and the page-wide rules name our classes only
    assert ".hi-scroll > table td:first-child" in CSS and "position: sticky" in CSS
