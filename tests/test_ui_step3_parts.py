"""Step 3's widget parts: tick lists, shared layout models, escaped labels."""

import ipywidgets as ipw

from widgets.ui.step3.parts import CheckList, button, field, html_part, label, shared_model


def test_checklist_ticks_and_reports():
    calls = []
    box = CheckList("x")
    box.on_change(lambda: calls.append(box.value))
    box.set_options([("Dawn (lives with the issue)", "Dawn"), ("Sam", "Sam")], ["Sam"])
    assert box.options == ["Dawn", "Sam"] and box.value == ("Sam",)
    box.tick("Dawn")
    assert box.value == ("Dawn", "Sam") and calls[-1] == ("Dawn", "Sam")
    box.value = ()
    assert box.value == () and calls[-1] == ()
    assert box.boxes[0][1].description == "Dawn (lives with the issue)"


def test_shared_models_are_reused_until_closed():
    first = shared_model("test-layout", ipw.Layout)
    assert shared_model("test-layout", ipw.Layout) is first
    a, b = html_part("<b>x</b>", "c1"), html_part()
    assert a.layout is b.layout and a.style is b.style and "c1" in a._dom_classes
    first.close()
    assert shared_model("test-layout", ipw.Layout) is not first


def test_buttons_share_a_style_but_not_a_layout_unless_asked():
    one, two = button("One", "hi-one"), button("Two", "hi-two", "primary")
    assert one.style is two.style and one.layout is not two.layout
    shared = ipw.Layout(width="auto")
    three = button("Three", "hi-three", layout=shared)
    assert three.layout is shared and "hi-three" in three._dom_classes
    assert two.button_style == "primary" and one.tooltip == "One"


def test_labels_escape_the_unit_name():
    w = label("Could any <b>family</b> do it?", "hint <i>")
    assert "&lt;b&gt;family&lt;/b&gt;" in w.value and "&lt;i&gt;" in w.value
    box = field("What?", ipw.Text())
    assert isinstance(box.children[1], ipw.Text) and "hi-field" in box._dom_classes
