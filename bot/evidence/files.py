"""What an export knows of one evidence file, and the name it goes by."""

from __future__ import annotations

from typing import NamedTuple

from storage.models import LearningMoment

_MIME_SUFFIXES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
                  "image/heic": "heic", "image/webp": "webp"}


class EvidenceFile(NamedTuple):
    """A file attached to the record's entry as its evidence (bot.evidence)."""

    name: str
    kind: str  # photo | document
    mime_type: str | None
    size: int | None  # bytes, as Telegram reported them
    file_id: str | None  # this bot's handle for fetching it; never exported
    file_unique_id: str
    attached_at: str  # ISO 8601 UTC


def file_name(moment: LearningMoment) -> str:
    """The file's own name, or one made from when it came ("photo-2026-05-12-41.jpg")."""
    if moment.file_name:
        return moment.file_name
    suffix = _MIME_SUFFIXES.get(moment.mime_type or "", "jpg" if moment.kind == "photo" else "bin")
    return f"{moment.kind}-{moment.sent_at:%Y-%m-%d}-{moment.id}.{suffix}"


def evidence_file(moment: LearningMoment, attached_at: str) -> EvidenceFile:
    return EvidenceFile(file_name(moment), moment.kind, moment.mime_type, moment.file_size,
                        moment.file_id, moment.file_unique_id or f"moment-{moment.id}",
                        attached_at)
