"""/start onboarding and /settings."""
