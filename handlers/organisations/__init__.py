"""The chat side of organisations: joining by link, /organisations, an officer's /org."""
