"""Test helpers: the fake Telegram and OpenAI servers, chats, processes, the app runner."""
