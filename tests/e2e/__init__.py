"""End to end: the real application or the real cpdbot process over HTTP to the fake servers."""
