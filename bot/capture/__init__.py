"""Learning moments: stored exactly once, then kept, dropped or listed."""
