"""The mistakes a person can make, and the problems a person can fix: :class:`PersonError`.

Every exception whose message is written for the person at the screen subclasses it:
:class:`widgets.model.ModelError` (a value that does not fit the inquiry),
:class:`widgets.store.NotFound` (no inquiry or part by that name),
:class:`widgets.store.DataFolderProblem` (a full or read-only data folder),
:class:`widgets.files.FileProblem` (a file that cannot be read) and the others beside them.
The screens show such a message beside the control that caused it
(:func:`widgets.ui.errors.is_person_error`); anything else is a bug and gets an apology.

Standard library only: the core raises these, and the core never imports ipywidgets.
"""

from __future__ import annotations


class PersonError(Exception):
    """A mistake a person can make, or a problem they can fix: the message is one plain
    sentence written for them, and nothing was stored.

    Subclasses keep the built-in base that says what kind of problem it is as well
    (``class ModelError(PersonError, ValueError)``), so ``except ValueError`` still
    catches them.
    """
