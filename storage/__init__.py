"""Database models, engine setup, repositories and migrations."""
