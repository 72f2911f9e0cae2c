"""Optional AI help: the provider, its breaker, drafts and their grounding."""
