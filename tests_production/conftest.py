"""The figures of the production run, printed after pytest's own summary for the closing note."""

from . import report


def pytest_terminal_summary(terminalreporter):
    if report.LINES:
        terminalreporter.section("produzione: cifre")
        for line in report.LINES:
            terminalreporter.write_line(line)
