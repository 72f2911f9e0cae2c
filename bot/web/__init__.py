"""The one aiohttp server in the bot's event loop: health, readiness, metrics and the webhook."""
