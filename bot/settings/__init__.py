"""A clinician's settings and the onboarding order."""
