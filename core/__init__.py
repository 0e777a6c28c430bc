"""What every app of the portal shares and none of them owns: exports, calendars, e-mail, the
strict PDF fetcher, charts, formatting, validators and the workflow toolkit. It imports no app
of the portal (ARCHITECTURE.md)."""
