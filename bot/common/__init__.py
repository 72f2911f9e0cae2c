"""What every feature shares: translations, text, dates, durations, time zones."""
