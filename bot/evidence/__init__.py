"""Evidence on log entries: certificates and photos attached to reflections, and the pictures
of them that PDF portfolios embed."""
