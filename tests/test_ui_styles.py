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
