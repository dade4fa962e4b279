"""The quality-versus-monthly-cost chart as a self-contained SVG (no scripts, no fonts, no links).

The same picture the window draws: every ranked model that has a quality figure, local models as
blue circles and hosted APIs as orange squares, the Pareto front as a step line, the pick in green.
Cost runs on a log(1 + x) axis so $0 stays on the chart and a $10k model does not flatten the rest.
Every string from the catalog goes through `advisor.text.xml_text`: a model's name cannot add markup
to the report, and a control character in it cannot make the SVG invalid (and drop the chart).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

from advisor.recommend.result import RecommendationResult
from advisor.text import xml_text

LOCAL_COLOR = "#1976d2"
API_COLOR = "#ef6c00"
PICK_COLOR = "#2e7d32"
FRONT_COLOR = "#7b8494"
COST_TICKS = (0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)
LABEL_LIMIT = 28


def cost_axis(cost: float) -> float:
    """Monthly cost on a log(1 + x) scale."""
    return math.log10(1 + max(0.0, cost))


def tick_label(cost: int) -> str:
    """$0, $1, $10, $100, $1k, $10k…"""
    if cost >= 1_000_000:
        return f"${cost // 1_000_000}M"
    if cost >= 1_000:
        return f"${cost // 1_000}k"
    return f"${cost}"


@dataclass(frozen=True)
class ChartPoint:
    """One plotted model."""

    model_id: str
    name: str
    cost: float
    quality: float
    local: bool
    front: bool
    pick: bool


Box = tuple[float, float, float, float]
"""left, top, right, bottom in drawing units."""


@dataclass(frozen=True)
class LabelRequest:
    """A label to place beside its point: the point's centre, the marker's half-size, the text size."""

    x: float
    y: float
    marker: float
    width: float
    height: float


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(requests: list[LabelRequest], bounds: Box, gap: float = 3.0) -> list[Box | None]:
    """Where each label goes, in the order given (the most important first): right and above its
    point, else right and below, left and above, left and below — the first box inside `bounds`
    that covers no labelled point's marker and no label already placed. None when none fits (the
    point keeps its tooltip). The window and the reports place labels with this one rule."""
    markers = [(r.x - r.marker, r.y - r.marker, r.x + r.marker, r.y + r.marker) for r in requests]
    taken: list[Box] = []
    out: list[Box | None] = []
    for r in requests:
        right, left = r.x + r.marker + gap, r.x - r.marker - gap - r.width
        above, below = r.y - r.marker / 2 - r.height, r.y + r.marker / 2
        found: Box | None = None
        for x0, y0 in ((right, above), (right, below), (left, above), (left, below)):
            box = (x0, y0, x0 + r.width, y0 + r.height)
            inside = bounds[0] <= box[0] <= box[2] <= bounds[2] and bounds[1] <= box[1] <= box[3] <= bounds[3]
            if inside and not any(_overlaps(box, o) for o in (*taken, *markers)):
                found = box
                break
        if found is not None:
            taken.append(found)
        out.append(found)
    return out


def chart_points(result: RecommendationResult) -> list[ChartPoint]:
    """The ranked models that have a quality figure (models without evidence cannot be placed)."""
    front = set(result.pareto_front)
    top = result.top.model_id if result.top else None
    return [ChartPoint(r.model_id, r.name, r.deployment.monthly_cost_usd, r.quality,
                       r.deployment.self_hosted, r.model_id in front, r.model_id == top)
            for r in result.recommendations if r.quality is not None and r.deployment.cost_known]


def _short(name: str) -> str:
    return name if len(name) <= LABEL_LIMIT else name[: LABEL_LIMIT - 1] + "…"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def quality_cost_svg(result: RecommendationResult, width: int = 720, height: int = 400) -> str:
    """The chart as an `<svg>` element string; an explanatory note when nothing can be plotted."""
    points = chart_points(result)
    left, right, top, bottom = 52, 18, 14, 62
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max = max([cost_axis(10.0)] + [cost_axis(p.cost) for p in points])
    ticks = [t for t in COST_TICKS if cost_axis(t) <= x_max * 1.0001]
    if cost_axis(ticks[-1]) < x_max:
        ticks.append(next(t for t in COST_TICKS if cost_axis(t) >= x_max))
    x_max = cost_axis(ticks[-1])
    q_min = min([p.quality for p in points], default=0.0)
    y_min = max(0.0, math.floor(q_min / 10) * 10 - 10) if points else 0.0

    def sx(cost: float) -> float:
        return left + plot_w * cost_axis(cost) / x_max

    def sy(quality: float) -> float:
        return top + plot_h * (1 - (quality - y_min) / (100 - y_min))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="11"><title>Quality versus monthly cost</title>',
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafbfc" '
           f'stroke="#c5cbd6"/>']
    for t in ticks:
        x = sx(t)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#e3e7ee"/>'
                   f'<text x="{x:.1f}" y="{top + plot_h + 15}" text-anchor="middle" fill="#3b4456">'
                   f'{tick_label(t)}</text>')
    for q in range(int(y_min), 101, 10):
        y = sy(q)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e7ee"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#3b4456">{q}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 32}" text-anchor="middle" '
               f'fill="#1d2330">Monthly cost (USD, log scale)</text>'
               f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'fill="#1d2330">Task quality (0–100)</text>')
    if not points:
        out.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                   f'fill="#5b6475">No ranked model has quality evidence to plot.</text></svg>')
        return "".join(out)

    front = sorted((p for p in points if p.front), key=lambda p: (p.cost, p.quality))
    if len(front) > 1:
        steps = [f"{sx(front[0].cost):.1f},{sy(front[0].quality):.1f}"]
        for prev, nxt in itertools.pairwise(front):
            steps.append(f"{sx(nxt.cost):.1f},{sy(prev.quality):.1f}")
            steps.append(f"{sx(nxt.cost):.1f},{sy(nxt.quality):.1f}")
        out.append(f'<polyline points="{" ".join(steps)}" fill="none" stroke="{FRONT_COLOR}" '
                   f'stroke-width="1.5" stroke-dasharray="5 3"/>')
    # Draw the pick last so nothing covers it; the front's labels after their points.
    for p in sorted(points, key=lambda p: (p.pick, p.front)):
        x, y = sx(p.cost), sy(p.quality)
        color = PICK_COLOR if p.pick else (LOCAL_COLOR if p.local else API_COLOR)
        size = 6.5 if p.pick else 4.5
        tip = (f"<title>{xml_text(p.name)}: quality {_fmt(p.quality)}, "
               f"${p.cost:,.2f}/month ({'local' if p.local else 'API'})</title>")
        stroke = (' stroke="#1b5e20" stroke-width="2"' if p.pick
                  else ' stroke="#ffffff" stroke-width="1.2"')
        if p.local:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="{color}"{stroke}>{tip}</circle>')
        else:
            out.append(f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" height="{2 * size}" '
                       f'fill="{color}"{stroke}>{tip}</rect>')
    out.extend(_labels(points, sx, sy, (float(left), float(top) - 4, float(width) - 4, float(top + plot_h))))
    out.append(_legend(left, height))
    out.append("</svg>")
    return "".join(out)


def _labels(points: list[ChartPoint], sx: Callable[[float], float], sy: Callable[[float], float],
            bounds: Box) -> list[str]:
    """Labels for the pick, then the Pareto front. Text width is estimated at 6.2 px per character
    (6.7 bold) of the 11 px sans-serif the SVG uses; 13 px of line height."""
    labelled = sorted((p for p in points if p.front or p.pick), key=lambda p: not p.pick)
    texts = [_short(p.name) + (" (pick)" if p.pick else "") for p in labelled]
    requests = [LabelRequest(sx(p.cost), sy(p.quality), 6.5 if p.pick else 4.5,
                             len(t) * (6.7 if p.pick else 6.2), 13.0)
                for p, t in zip(labelled, texts, strict=True)]
    out: list[str] = []
    for p, text, box in zip(labelled, texts, place_labels(requests, bounds), strict=True):
        if box is None:
            continue
        weight = ' font-weight="bold"' if p.pick else ""
        out.append(f'<text x="{box[0]:.1f}" y="{box[3] - 3:.1f}" fill="#1d2330"{weight}>'
                   f'{xml_text(text)}</text>')
    return out


def _legend(left: int, height: int) -> str:
    legend_y = height - 14
    return (
        f'<circle cx="{left + 6}" cy="{legend_y - 4}" r="4.5" fill="{LOCAL_COLOR}"/>'
        f'<text x="{left + 16}" y="{legend_y}" fill="#1d2330">runs on your hardware</text>'
        f'<rect x="{left + 156}" y="{legend_y - 8.5}" width="9" height="9" fill="{API_COLOR}"/>'
        f'<text x="{left + 171}" y="{legend_y}" fill="#1d2330">hosted API</text>'
        f'<circle cx="{left + 256}" cy="{legend_y - 4}" r="6" fill="{PICK_COLOR}"/>'
        f'<text x="{left + 268}" y="{legend_y}" fill="#1d2330">the pick</text>'
        f'<line x1="{left + 336}" y1="{legend_y - 4}" x2="{left + 366}" y2="{legend_y - 4}" '
        f'stroke="{FRONT_COLOR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{left + 372}" y="{legend_y}" fill="#1d2330">Pareto front: nothing is both better and '
        f'cheaper</text>')


def chart_caption(result: RecommendationResult) -> str:
    """One sentence under the chart: how many models are plotted and which are left out."""
    points = chart_points(result)
    no_quality = sum(1 for r in result.recommendations if r.quality is None)
    no_cost = sum(1 for r in result.recommendations if r.quality is not None and not r.deployment.cost_known)
    text = f"{len(points)} ranked models plotted"
    if no_quality:
        text += f"; {no_quality} without quality evidence cannot be placed"
    if no_cost:
        text += f"; {no_cost} whose running cost is unknown are left out"
    return text + "."
