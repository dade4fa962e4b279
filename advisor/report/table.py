"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.recommend.result import RecommendationResult


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces, with a rule under the header."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    return "\n".join(lines)


def _money(value: float) -> str:
    return f"${value:,.2f}" if value < 1000 else f"${value:,.0f}"


def format_result(result: RecommendationResult) -> str:
    """The ranking as a terminal table, then the pick's explanation, exclusions and flips."""
    rows = []
    for rec in result.shown():
        dep = rec.deployment
        if dep.mode == "hybrid":
            runs = "hybrid: " + " + ".join(
                f"{p.mode} {(p.share or 0) * 100:.0f}%" for p in dep.parts)
            mem, speed = "", (f"{dep.tokens_per_s:.0f} tok/s" if dep.tokens_per_s else "unknown")
        elif dep.self_hosted:
            machines = f" x{dep.machines_needed}" if (dep.machines_needed or 1) > 1 else ""
            runs = f"{dep.mode} {dep.quantization} ({dep.placement}){machines}"
            mem = f"{dep.memory_gb:.1f}/{dep.available_gb:.0f} GB" if dep.memory_gb and dep.available_gb \
                else ""
            speed = f"{dep.decode_tokens_per_s:.0f} tok/s" if dep.decode_tokens_per_s else "unknown"
        else:
            thinking = ", thinking on" if dep.thinking == "on" else ""
            runs, mem = f"API {dep.provider}{thinking}", ""
            speed = f"{dep.api_tokens_per_s:.0f} tok/s" if dep.api_tokens_per_s else "unknown"
        rows.append((rec.rank, rec.name, f"{rec.score:.1f}", runs, mem, speed,
                     dep.cost_text(_money), rec.license_class, rec.confidence.level))
    lines = [f"Catalog {result.catalog_version} (as of {result.catalog_as_of}), "
             f"{result.catalog_models} models; {result.ranked} meet your constraints, "
             f"{len(result.excluded)} excluded.", ""]
    if rows:
        lines.append(format_table(("#", "model", "score", "runs as", "memory", "speed", "per month",
                                   "licence", "confidence"), rows))
    top = result.top
    if top is not None:
        lines += ["", f"Pick: {top.name} ({top.model_id})"]
        lines += [f"  {line}" for line in top.explanation]
        lines += [f"  ! {w}" for w in top.warnings]
    if result.break_even is not None:
        lines += ["", f"Break-even: {result.break_even.note}"]
    if result.counterfactuals:
        lines += ["", "What would change the pick:"]
        lines += [f"  - {cf.change} -> {cf.new_top_name}" for cf in result.counterfactuals]
    if result.excluded:
        lines += ["", f"Excluded ({len(result.excluded)}), first reasons:"]
        lines += [f"  - {e.name}: {e.reasons[0]}" for e in result.excluded[:15]]
        if len(result.excluded) > 15:
            lines.append(f"  ... and {len(result.excluded) - 15} more (--format json lists all)")
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)
