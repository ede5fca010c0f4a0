"""Small ipywidgets parts for step 3 and the dashboard: labelled fields, buttons, tick lists,
sections, and boxes that share their layout models (fewer models for the page to load).

Every text that reaches HTML here is escaped (``esc``); labels and hints are our own words
but may hold a person's word (the unit's name), so they are escaped too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.ui.step3.shared import esc
from widgets.ui.styles import label_hidden

_SHARED: dict[str, ipw.Widget] = {}


def shared_model(key: str, factory: Callable[[], ipw.Widget]) -> ipw.Widget:
    """One layout or style model shared by many widgets that never change it.

    Every ipywidget brings a layout and a style model, and the page loads each of them: a
    form of a dozen fields would otherwise cost the browser fifty models.
    """
    model = _SHARED.get(key)
    if model is None or getattr(model, "comm", None) is None:  # new, or closed
        model = _SHARED[key] = factory()
    return model


def _html_style() -> ipw.Widget:
    from ipywidgets.widgets.widget_string import HTMLStyle

    return shared_model("html-style", HTMLStyle)


def html_part(value: str = "", cls: str = "") -> ipw.HTML:
    """An HTML widget (``value`` must already be escaped) sharing one layout and style model
    with every other: use it for HTML whose layout never changes."""
    widget = ipw.HTML(value, layout=shared_model("html-layout", ipw.Layout), style=_html_style())
    if cls:
        widget.add_class(cls)
    return widget


def vbox(children=(), cls: str = "") -> ipw.VBox:
    """A VBox sharing one layout model (for boxes whose layout never changes)."""
    box = ipw.VBox(list(children), layout=shared_model("box-layout", ipw.Layout))
    if cls:
        box.add_class(cls)
    return box


def hbox(children=(), cls: str = "", wrap: bool = False) -> ipw.HBox:
    """An HBox sharing one layout model; ``wrap`` lets its children wrap to a new line."""
    layout = (shared_model("wrap-layout", lambda: ipw.Layout(flex_flow="row wrap")) if wrap
              else shared_model("box-layout", ipw.Layout))
    box = ipw.HBox(list(children), layout=layout)
    if cls:
        box.add_class(cls)
    return box


def _label_html(text: str, hint: str) -> str:
    hint_html = f' <span class="hi-hint">{esc(hint)}</span>' if hint else ""
    return f'<span class="hi-label">{esc(text)}</span>{hint_html}'


def label(text: str, hint: str = "") -> ipw.HTML:
    """A field's label (our words, escaped), with an optional quiet hint."""
    widget = ipw.HTML(_label_html(text, hint),
                      layout=shared_model("label-layout", ipw.Layout), style=_html_style())
    widget.add_class("hi-field-label")
    return widget


def _hidden_words(text: str, hint: str) -> str:
    return f"{text} {hint}" if hint.startswith("(") else (f"{text} ({hint})" if hint else text)


def field(text: str, widget: ipw.Widget, hint: str = "") -> ipw.VBox:
    """A label above its control. The control also gets the words as its own linked label
    (``description``, for screen readers only: the label shown is the HTML above it)."""
    from ipywidgets.widgets.widget_description import DescriptionWidget

    if isinstance(widget, DescriptionWidget) and not widget.description:
        label_hidden(widget, _hidden_words(text, hint))
    box = ipw.VBox([label(text, hint), widget], layout=shared_model("field-layout", ipw.Layout))
    box.add_class("hi-field")
    return box


def relabel(box: ipw.VBox, text: str, hint: str = "") -> None:
    """Change the words of a :func:`field` (and of its control's linked label), e.g. when
    the measure they name changed in step 1."""
    from ipywidgets.widgets.widget_description import DescriptionWidget

    head, widget = box.children[0], box.children[1]
    value = _label_html(text, hint)
    if head.value != value:
        head.value = value
    if isinstance(widget, DescriptionWidget) and "hi-label-hidden" in widget._dom_classes:
        widget.description = _hidden_words(text, hint)


def textarea(placeholder: str = "", rows: int = 2) -> ipw.Textarea:
    """A full-width text box."""
    return ipw.Textarea(placeholder=placeholder, rows=rows, layout=ipw.Layout(width="100%"))


def button(text: str, cls: str, style: str = "", tooltip: str = "",
           layout: ipw.Layout | None = None) -> ipw.Button:
    """A button with a stable CSS class for the browser tests.

    Buttons in lists may share one ``layout`` (fewer widget models for the page to load);
    never share it with a button whose layout changes (e.g. one that is hidden).
    """
    b = ipw.Button(description=text, button_style=style, tooltip=tooltip or text,
                   layout=layout if layout is not None else ipw.Layout(width="auto"),
                   style=shared_model("button-style", ipw.ButtonStyle))
    b.add_class(cls)
    return b


class CheckList(ipw.VBox):
    """Tick boxes to choose several things (easier than Ctrl-click on a shared screen).

    ``set_options([(label, value), ...], chosen)`` fills it; ``value`` is the tuple of ticked
    values, in the order shown; ``on_change(fn)`` calls ``fn()`` after each tick.
    """

    def __init__(self, cls: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("hi-checklist")
        if cls:
            self.add_class(cls)
        self.boxes: list[tuple[str, ipw.Checkbox]] = []
        self._callbacks: list[Callable[[], None]] = []
        self._quiet = False
        self._box_layout = ipw.Layout(width="auto")  # shared by the tick boxes
        from ipywidgets.widgets.widget_bool import CheckboxStyle

        self._box_style = CheckboxStyle()

    def set_options(self, options: list[tuple[str, str]], chosen: list[str] | tuple = ()
                    ) -> None:
        """Show one tick box per (label, value); ``chosen`` values are ticked."""
        for _, box in self.boxes:
            box.close()
        self.boxes = []
        for text, value in options:
            box = ipw.Checkbox(value=value in chosen, description=text, indent=False,
                               layout=self._box_layout, style=self._box_style)
            box.add_class("hi-checklist-item")
            box.observe(self._ticked, names="value")
            self.boxes.append((value, box))
        self.children = tuple(box for _, box in self.boxes)

    @property
    def options(self) -> list[str]:
        """The values that can be ticked, in order."""
        return [value for value, _ in self.boxes]

    @property
    def value(self) -> tuple[str, ...]:
        """The ticked values, in the order shown."""
        return tuple(value for value, box in self.boxes if box.value)

    @value.setter
    def value(self, chosen) -> None:
        self._quiet = True
        try:
            for value, box in self.boxes:
                box.value = value in chosen
        finally:
            self._quiet = False
        self._fire()

    def tick(self, value: str, on: bool = True) -> None:
        """Tick (or untick) ``value``."""
        for v, box in self.boxes:
            if v == value:
                box.value = on

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every change."""
        self._callbacks.append(callback)

    def _ticked(self, _change: dict) -> None:
        if not self._quiet:
            self._fire()

    def _fire(self) -> None:
        for callback in self._callbacks:
            callback()


def _section_head(title: str, intro: str) -> str:
    return f"<h2>{esc(title)}</h2><p class=\"hi-intro\">{esc(intro)}</p>"


def section(title: str, intro: str, *children: ipw.Widget, cls: str = "") -> ipw.VBox:
    """A numbered part of the page: heading, a sentence for the facilitator, the controls."""
    head = html_part(_section_head(title, intro))
    box = ipw.VBox([head, *children])
    box.add_class("hi-section")
    if cls:
        box.add_class(cls)
    return box


def retitle(box: ipw.VBox, title: str, intro: str) -> None:
    """Change the heading and sentence of a :func:`section` (e.g. the unit's name changed)."""
    value = _section_head(title, intro)
    if box.children[0].value != value:
        box.children[0].value = value
