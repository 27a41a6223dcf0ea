"""Bar charts drawn on the server as SVG (no JS, no inline styles: the CSP allows neither).

A chart is a picture of a table that the page shows beside it; the SVG has a title and a
description for screen readers, and every bar its label and value in text.
"""
from __future__ import annotations

import uuid

from markupsafe import Markup, escape

ROW = 30
LABEL_W = 190
BAR_W = 330
VALUE_W = 60
WIDTH = LABEL_W + BAR_W + VALUE_W


def bar_chart(rows: list[tuple[str, int]], title: str, description: str = "", limit: int = 15) -> Markup:
    """Horizontal bars, largest first, at most `limit` (the rest summed as one last bar is not drawn)."""
    rows = sorted(((str(label), int(value or 0)) for label, value in rows), key=lambda r: -r[1])[:limit]
    top = max([value for _, value in rows] or [0]) or 1
    chart_id = "c" + uuid.uuid4().hex[:8]
    height = max(1, len(rows)) * ROW + 6
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(description or ", ".join(f"{l} {v}" for l, v in rows))}</desc>']
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 3
        width = round(BAR_W * value / top) if value else 0
        short = label if len(label) <= 11 else label[:10] + "…"
        parts.append(f'<text class="chart-label" x="{LABEL_W - 8}" y="{y + 19}" text-anchor="end">{escape(short)}</text>')
        parts.append(f'<rect class="chart-bar" x="{LABEL_W}" y="{y + 4}" width="{max(width, 2) if value else 0}" '
                     f'height="{ROW - 10}" rx="3"/>')
        parts.append(f'<text class="chart-value" x="{LABEL_W + width + 6}" y="{y + 19}">{value}</text>')
    if not rows:
        parts.append(f'<text class="chart-label" x="8" y="20">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
