"""/reflect, its questions and card, and /log."""
