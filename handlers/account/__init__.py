"""The chat side of a clinician's data rights: /privacy."""
