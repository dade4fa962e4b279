"""The break-even chart as a self-contained SVG: monthly cost of the self-hosted plan and of the API
plan against monthly tokens (both axes logarithmic), the crossing marked, your volume marked.

The window draws the same curve from the same `BreakEven.curve` numbers; every catalog string is
XML-escaped.
"""

from __future__ import annotations

import math

from advisor.recommend.result import BreakEven
from advisor.report.chart import API_COLOR, LOCAL_COLOR
from advisor.text import xml_text

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 34, 44


def _volume(tokens: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if tokens >= size:
            return f"{tokens / size:g}{unit}"
    return f"{tokens:g}"


def _money(usd: float) -> str:
    if usd >= 1000:
        return f"${usd / 1000:g}k"
    return f"${usd:g}"


def break_even_svg(be: BreakEven, volume: int) -> str:
    """The chart for `be`, with the user's monthly `volume` marked."""
    pts = [p for p in be.curve if p.tokens_per_month > 0]
    if len(pts) < 2:
        return ""
    xs = [math.log10(p.tokens_per_month) for p in pts]
    costs = [c for p in pts for c in (p.local_usd, p.api_usd) if c > 0]
    y_lo = math.floor(math.log10(min(costs))) if costs else 0
    y_hi = math.ceil(math.log10(max(costs))) if costs else 1
    y_hi = max(y_hi, y_lo + 1)
    x_lo, x_hi = math.floor(xs[0]), math.ceil(xs[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(tokens: float) -> float:
        return LEFT + (math.log10(max(tokens, 1.0)) - x_lo) / (x_hi - x_lo) * plot_w

    def py(usd: float) -> float:
        v = math.log10(max(usd, 10.0 ** y_lo))
        return TOP + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
           f'height="{HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="11" role="img" '
           f'aria-label="Monthly cost against monthly tokens">',
           f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafbfc" stroke="#c5cbd6"/>']
    for e in range(x_lo, x_hi + 1):
        x = px(10.0 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e3e6eb"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 15}" text-anchor="middle" fill="#5b6475">'
                   f'{_volume(10.0 ** e)}</text>')
    for e in range(y_lo, y_hi + 1):
        y = py(10.0 ** e)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e3e6eb"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6475">'
                   f'{_money(10.0 ** e)}</text>')
    for color, values in ((LOCAL_COLOR, [p.local_usd for p in pts]), (API_COLOR, [p.api_usd for p in pts])):
        path = " ".join(f"{'M' if i == 0 else 'L'}{px(p.tokens_per_month):.1f},{py(v):.1f}"
                        for i, (p, v) in enumerate(zip(pts, values, strict=True)))
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.2"/>')
    if be.tokens_per_month:
        x = px(be.tokens_per_month)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#2e7d32" '
                   'stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{TOP + 12}" fill="#2e7d32">break-even '
                   f'{_volume(be.tokens_per_month)}</text>')
    if volume > 0:
        x = px(volume)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#5b6475" '
                   'stroke-dasharray="1 3"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{TOP + plot_h - 6}" fill="#5b6475">your volume</text>')
    legend = ((LOCAL_COLOR, f"self-hosted: {be.local_name}"), (API_COLOR, f"API: {be.api_name}"))
    lx = float(LEFT)
    for color, text in legend:
        label = xml_text(text if len(text) <= 40 else text[:39] + "\u2026")
        out.append(f'<rect x="{lx}" y="12" width="14" height="4" fill="{color}"/>')
        out.append(f'<text x="{lx + 19}" y="18" fill="#1f2430">{label}</text>')
        lx += 19 + 6.2 * len(label) + 20
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="#1f2430">'
               'tokens per month (input + output)</text>')
    out.append("</svg>")
    return "".join(out)


__all__ = ["break_even_svg"]
