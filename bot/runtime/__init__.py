"""Telegram plumbing: durable polling, per-user ordering, the HTTP layer, pacing."""
