"""A bare python-telegram-bot echo bot in PTB's own webhook mode, with PTB's defaults: the
baseline benchmarks/webhook.py compares cpdbot's webhook mode against.

`Application.run_webhook` serves the webhook with tornado on 127.0.0.1:PORT, tells the Bot API
(the fake server) where it is with setWebhook, answers each POST with 200 as soon as the update
is queued, and handles the updates one at a time (PTB's default), replying to each message.
tornado is PTB's `webhooks` extra: `pip install "python-telegram-bot[webhooks]"`.

Usage: python benchmarks/echo_webhook_bot.py TOKEN BASE_URL PORT SECRET
"""

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

PATH = "telegram/webhook"


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


def main() -> None:
    token, base_url, port, secret = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    application = ApplicationBuilder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_webhook(listen="127.0.0.1", port=port, url_path=PATH, secret_token=secret,
                            webhook_url=f"http://127.0.0.1:{port}/{PATH}")


if __name__ == "__main__":
    main()
