"""What the forms and views of every app share: the HTML5 date and time widgets, the crispy
helper of a form drawn inside the template's own <form>, a posted id read safely."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates only."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker (local time, no seconds)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def form_helper(*layout) -> FormHelper:
    """A crispy helper that draws the fields only: the template writes the <form> and its CSRF
    token, so that one page can hold several forms or extra buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def intero_o_none(valore) -> int | None:
    """A posted or queried id, or None when it is missing or not a number, so that a hand-edited
    request gets an empty result or a 404 rather than a database error."""
    try:
        return int(valore)
    except (TypeError, ValueError):
        return None


def a_capo_unix(testo: str) -> str:
    """The text with every line ending as "\\n": a browser sends a <textarea> with "\\r\\n",
    while the same text read by a script (and so the autosaved draft) has "\\n"."""
    return testo.replace("\r\n", "\n").replace("\r", "\n")
