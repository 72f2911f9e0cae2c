"""What the bot is doing, for Prometheus: counts and timings, never text and never user ids.

One registry per process (each instance is scraped on its own). Labels are small closed sets:
the kind of update, a reminder's outcome, an export's format.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")

UPDATES_RECEIVED = Counter("cpdbot_updates_received", "Updates stored in the journal.",
                           ["kind"], registry=REGISTRY)
UPDATES_PROCESSED = Counter("cpdbot_updates_processed", "Updates handled without error.",
                            ["kind"], registry=REGISTRY)
UPDATES_FAILED = Counter("cpdbot_updates_failed",
                         "Updates whose handling failed, or that could not be read.",
                         ["kind"], registry=REGISTRY)
HANDLER_SECONDS = Histogram(
    "cpdbot_handler_seconds", "Time to handle one update.", ["kind"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOURNAL_BACKLOG = Gauge("cpdbot_journal_backlog", "Updates stored and still to be handled.",
                        registry=REGISTRY)
REMINDERS = Counter("cpdbot_reminders", "Reminders by outcome: sent, skipped (quiet hours, "
                    "nothing to say, too late), refused_429 (rate limited), refused_403 "
                    "(blocked).", ["outcome"], registry=REGISTRY)
LLM_CALLS = Counter("cpdbot_llm_calls", "Calls to the LLM provider.", registry=REGISTRY)
LLM_FAILURES = Counter("cpdbot_llm_failures", "LLM calls that failed, by reason.", ["reason"],
                       registry=REGISTRY)
LLM_TOKENS = Counter("cpdbot_llm_tokens", "Tokens used, prompt and completion.", ["type"],
                     registry=REGISTRY)
EXPORTS = Counter("cpdbot_exports", "Exports made, by format.", ["format"], registry=REGISTRY)

for _kind in (*UPDATE_KINDS, "other"):  # every series from the start, so rates work at once
    for _counter in (UPDATES_RECEIVED, UPDATES_PROCESSED, UPDATES_FAILED):
        _counter.labels(_kind)
for _outcome in ("sent", "skipped", "refused_429", "refused_403"):
    REMINDERS.labels(_outcome)
for _type in ("prompt", "completion"):
    LLM_TOKENS.labels(_type)


def update_kind(raw: dict[str, Any]) -> str:
    """The label for a raw update: its one payload field, or "other"."""
    return next((kind for kind in UPDATE_KINDS if kind in raw), "other")
