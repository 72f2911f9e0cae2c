"""Guided reflections held in the database, and the log of saved ones."""
