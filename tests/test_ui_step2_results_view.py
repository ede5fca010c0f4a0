"""Step 2 results (widgets.ui.step2.results_view): warnings, summary, plot and caption."""

from __future__ import annotations

from widgets import examples
from widgets.analysis.positive_exceptions import run_method
from widgets.ui.step2.results_view import ResultsView, summary_sentences, warnings_html


def test_warnings_and_notes_are_escaped_and_deduplicated():
    text = warnings_html(["<b>small</b> groups", "<b>small</b> groups"], ["a & b"])
    assert text.count("&lt;b&gt;small&lt;/b&gt; groups") == 1 and "<b>" not in text
    assert "a &amp; b" in text
    assert warnings_html([], []) == ""


def test_results_show_plot_caption_warnings_and_summary():
    inquiry = examples.build("grub-hub")
    frame = inquiry.units_frame()
    results = [run_method("group-z", frame, inquiry.measure,
                          circumstances=inquiry.context_columns),
               run_method("expected", frame, inquiry.measure,
                          circumstances=inquiry.context_columns)]
    view = ResultsView(inquiry.measure)
    assert view.empty.layout.display is None
    view.show(results, frame, inquiry.context_columns, agreed=2)
    assert view.empty.layout.display == "none"
    # The method warns about small groups; shown plainly, labelled by method.
    assert "Best in similar circumstances: " in view.warnings.value
    assert "fewer than 5 families" in view.warnings.value
    assert "picked 2 of 60 families" in view.summary.value
    assert "2 families were picked by more than one way of looking" in view.summary.value
    assert view.plot_choice.layout.display is None
    assert view.figure_caption.startswith("2 of 60 families")
    assert view.figure_caption in view.caption.value.replace("&#x27;", "'")
    view.plot_choice.value = 1
    assert "better than expected" in view.figure_caption


def test_one_method_has_no_plot_choice():
    inquiry = examples.build("child-nutrition")
    frame = inquiry.units_frame()
    result = run_method("expected", frame, inquiry.measure,
                        circumstances=inquiry.context_columns)
    sentences = summary_sentences([result], inquiry.measure, None)
    assert sentences == ["Better than expected picked 6 of 100 children."]
    view = ResultsView(inquiry.measure)
    view.show([result], frame, inquiry.context_columns)
    assert view.plot_choice.layout.display == "none"
    assert "children" in view.figure_caption


def test_every_bullet_is_inside_the_worth_knowing_box_in_plain_words():
    text = warnings_html(["Small groups."], ["Expected values from a logistic regression on "
                                            "the chosen circumstances."], "family")
    assert text.count("<div") == 1 and text.count("Worth knowing") == 1
    box = text.split("<ul>")[1].split("</ul>")[0]
    assert box.count("<li") == 2 and "Small groups." in box
    assert "compared with what their circumstances would lead us to expect" in box
    assert "regression" not in text
    only_notes = warnings_html([], ["a note"])
    assert "Worth knowing" in only_notes and "a note" in only_notes


def test_units_the_group_rejected_are_not_drawn_as_exceptions():
    inquiry = examples.build("grub-hub")
    frame = inquiry.units_frame()
    result = run_method("expected", frame, inquiry.measure,
                        circumstances=inquiry.context_columns)
    flagged = result.flagged_ids
    view = ResultsView(inquiry.measure)
    view.show([result], frame, inquiry.context_columns, rejected={flagged[0]})
    k = len(flagged) - 1
    assert view.figure_caption.startswith(f"{k} of 60 families")
    assert "drawn like the others: 1 family the group marked “not an exception”" in \
        view.figure_caption
    view.set_rejected(set())
    assert view.figure_caption.startswith(f"{len(flagged)} of 60 families")
    assert "not an exception" not in view.figure_caption
