"""Fast tests: pure domain code, parsers, writers, repositories on a real database, local HTTP."""
