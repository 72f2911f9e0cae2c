"""AI help in the chat: drafts, the privacy check before them, voice notes."""
