"""Reminders as rows: schedules, what each kind says, and the one sweep."""
