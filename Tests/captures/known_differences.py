"""Differences between libtracia and an official SDK that are understood and accepted: capture name
-> {field: why}. A difference listed here is reported as known and does not fail the run; an entry
that no longer differs fails it, so the table cannot hide a change."""

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {}
