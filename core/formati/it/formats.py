"""The project's Italian date formats (settings.FORMAT_MODULE_PATH), read through Django's
named formats: `|data` (pdz_formati) or `|date:"DATE_FORMAT"` in a template,
`django.utils.formats.date_format` in code. What is not here falls back to Django's Italian.

Two kinds of moment: an event a person attends (a meeting, a session) is written out in full
with its weekday, DATETIME_FORMAT; a record's timestamp (saved, commented, approved) is short,
SHORT_DATETIME_FORMAT. Django's month and day names are capitalised ("Marzo", "Martedì");
`|data` writes them in lowercase, as Italian does in running text.
"""

DATE_FORMAT = "j F Y"  # 3 marzo 2026
DATETIME_FORMAT = "l j F Y, H:i"  # martedì 3 marzo 2026, 14:30
SHORT_DATE_FORMAT = "d/m/Y"  # 03/03/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 03/03/2026 14:30
YEAR_MONTH_FORMAT = "F Y"  # marzo 2026
MONTH_DAY_FORMAT = "j F"  # 3 marzo
TIME_FORMAT = "H:i"  # 14:30
