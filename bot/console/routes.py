"""Every console page, added to the bot's aiohttp server under /console."""

from __future__ import annotations

from aiohttp import web

from bot.console import downloads, office, people, signin
from bot.console.guard import Console


def add_routes(app: web.Application, console: Console) -> None:
    for feature in (signin, people, downloads, office):
        feature.add_routes(app, console)
