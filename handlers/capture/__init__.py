"""Capture in the chat: messages, edits, the moment's buttons, /inbox."""
