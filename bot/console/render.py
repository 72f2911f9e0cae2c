"""Server-rendered pages: Jinja2 with autoescaping (a name with `<script>` is text), in the
officer's language from the bot's own catalogues, numbers and dates through Babel."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.common.i18n import translator
from bot.cpd.explain import amount


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=PackageLoader("bot.console", "templates"),
                       autoescape=select_autoescape(default=True), trim_blocks=True,
                       lstrip_blocks=True)


def render(template: str, language: str, **values: Any) -> str:
    translation = translator(language)

    def number(value: Decimal | int | None) -> str:
        return "" if value is None else amount(Decimal(value), language)

    def day(value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=language)

    def moment(value: datetime | None) -> str:  # in UTC, as the audit log keeps time
        return "" if value is None else format_datetime(value, "short", tzinfo=UTC,
                                                        locale=language)

    html: str = environment().get_template(template).render(
        _=translation.gettext, ngettext=translation.ngettext, language=language,
        number=number, day=day, moment=moment, **values)
    return html
