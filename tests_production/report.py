"""Lines the production tests leave for the terminal summary (see conftest.py)."""

LINES: list[str] = []


def add(line: str) -> None:
    LINES.append(line)
