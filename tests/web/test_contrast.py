"""The stylesheet's colour pairs pass WCAG AA (4.5:1 for text)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "services" / "web" / "static" / "site.css").read_text()
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{3,6})", CSS))


def _colour(value: str) -> str:
    value = VARS.get(value[6:-1], value) if value.startswith("var(") else value
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(_colour(fg)), _luminance(_colour(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("fg, bg", [
    ("var(--ink)", "var(--paper)"), ("var(--ink)", "var(--wash)"), ("var(--muted)", "var(--paper)"),
    ("var(--muted)", "var(--wash)"), ("var(--link)", "var(--paper)"), ("var(--link)", "var(--wash)"),
    ("#fff", "var(--brand)"), ("#fff", "var(--brand-dark)"), ("var(--brand)", "var(--paper)"),
    ("var(--bad)", "var(--paper)"), ("#5b3a00", "#efe7da"), ("var(--ok)", "#dff1e3"), ("#6e3c00", "#fdebd0"),
    ("#444", "#eee"), ("var(--brand)", "#fbeeee"),
])
def test_text_colours_pass_aa(fg, bg):
    assert contrast(fg, bg) >= 4.5, f"{fg} on {bg}: {contrast(fg, bg):.2f}"


def test_every_pair_used_for_tags_is_checked():
    pairs = re.findall(r"background: (#[0-9a-f]{3,6}); color: (#[0-9a-f]{3,6}|var\(--[a-z-]+\))", CSS)
    assert pairs and all(contrast(fg, bg) >= 4.5 for bg, fg in pairs)
