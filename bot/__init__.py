"""CPD reflection bot for clinicians: the application package."""

__version__ = "0.1.0"
