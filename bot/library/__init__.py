"""The data files in prompts/ (templates, activity types, topics, CPD frameworks), their
schemas, and the keyword guesses made from them without an LLM."""
