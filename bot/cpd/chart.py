"""The /summary chart: monthly credits stacked by category, with the pace a target needs.

Drawn with matplotlib's object API (no pyplot, so no global state) and called in a worker
thread by the handler, because rendering takes a few tens of milliseconds.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.cpd.explain import amount

# Colour-blind-safe (Okabe-Ito), in category order.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")


def monthly_chart(months: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal]]], *,
                  title: str, unit_label: str, monthly_target: Decimal | None,
                  target_label: str, language: str = "en") -> bytes:
    """A PNG: one bar per month, one colour per category; the axis's numbers in `language`."""
    figure = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(months))
    bottom = [0.0] * len(months)
    for index, (name, values) in enumerate(series):
        heights = [float(value) for value in values]
        axes.bar(positions, heights, bottom=bottom, label=name,
                 color=COLOURS[index % len(COLOURS)], width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if monthly_target is not None and monthly_target > 0:
        axes.axhline(float(monthly_target), color="#444444", linestyle="--", linewidth=1.2,
                     label=target_label)
    axes.set_xticks(list(positions), list(months), rotation=45, ha="right")
    axes.set_ylabel(unit_label)
    axes.yaxis.set_major_formatter(FuncFormatter(
        lambda value, _position: amount(Decimal(str(round(value, 2))), language)))
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(bottom=0)
    if series or monthly_target:
        figure.legend(loc="outside right upper", fontsize="small", frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
