"""Reflection templates, activity types and topic tags, as data files validated at start-up."""
