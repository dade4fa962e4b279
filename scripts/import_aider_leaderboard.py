"""Write curated/evidence/aider-polyglot.toml from Aider's polyglot leaderboard file.

Aider runs every model itself on the same 225 Exercism exercises with the same harness, so its
results are independent evidence (`independent = true`), preferred by the quality fit over a
vendor's own "Aider Polyglot" figure. The leaderboard file is `aider/website/_data/
polyglot_leaderboard.yml` in github.com/Aider-AI/aider; give its path (a checkout or `git show`
output) and the commit it came from. Only rows named in `ROWS` are written: each maps one
leaderboard row (its `dirname`, which is unique) to a catalog model id. A row is chosen only when it
runs the same model the catalog entry means (same snapshot or the preview that became it) alone,
not as an architect/editor pair; where Aider ran a model several ways, the row Aider lists as its
best setting is used and the setting is written down.

Usage: uv run python scripts/import_aider_leaderboard.py FILE --commit SHA [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "curated" / "evidence" / "aider-polyglot.toml"
REPO_PATH = "github.com/Aider-AI/aider aider/website/_data/polyglot_leaderboard.yml"

# leaderboard dirname -> (catalog model id, note on the mapping or None)
ROWS: dict[str, tuple[str, str | None]] = {
    "2025-08-23-15-47-21--gpt-5-high": ("openai/gpt-5", None),
    "2025-06-25-21-04-24--o3-price-reduction-high": ("openai/o3", None),
    "2025-04-16-22-01-58--o4-mini-high-diff-exsys": ("openai/o4-mini", None),
    "2025-04-14-21-05-54--gpt41-diff-exuser": ("openai/gpt-4.1", None),
    "2025-04-14-21-27-53--gpt41mini-diff": ("openai/gpt-4.1-mini", None),
    "2025-04-14-22-46-01--gpt41nano-diff": ("openai/gpt-4.1-nano", None),
    "2024-12-30-20-44-54--gpt4o-ex-as-sys-clean-prompt": (
        "openai/gpt-4o", "snapshot gpt-4o-2024-08-06, the gpt-4o alias at the time"),
    "2024-12-21-18-41-18--polyglot-gpt-4o-mini": ("openai/gpt-4o-mini", None),
    "2025-08-06-04-54-48--gpt-oss-120b-high-polyglot": ("openai/gpt-oss-120b", None),
    "2025-01-17-19-44-33--sonnet-baseline-jan-17": ("anthropic/claude-3.5-sonnet", None),
    "2025-06-06-16-36-21--gemini0605-32k-think-diff-fenced": (
        "google/gemini-2.5-pro", "the last preview before GA"),
    "2025-05-25-22-58-44--flash25-05-20-24k-think": (
        "google/gemini-2.5-flash", "the last preview before GA"),
    "2025-03-15-01-21-24--gemma3-27b-or": ("google/gemma-3-27b-it", None),
    "2025-01-20-19-11-38--ds-turns-upd-cur-msgs-fix-with-summarizer": (
        "deepseek/deepseek-r1", "the January 2025 R1, not R1-0528"),
    "2024-12-25-13-31-51--deepseekv3preview-diff2": (
        "deepseek/deepseek-v3", "the December 2024 V3, not V3-0324"),
    "2025-04-06-08-39-52--llama-4-maverick-17b-128e-instruct-polyglot-whole": (
        "meta-llama/llama-4-maverick-17b-128e-instruct", None),
    "2025-05-08-03-20-24--qwen3-32b-default": ("qwen/qwen3-32b", None),
    "2025-05-09-17-02-02--qwen3-235b-a22b.unthink_16k_diff": ("qwen/qwen3-235b-a22b", None),
    "2024-12-26-00-55-20--Qwen2.5-Coder-32B-Instruct": (
        "qwen/qwen2.5-coder-32b-instruct", "the whole-file run; its diff-format run scored 8.0"),
    "2025-07-17-17-41-54--kimi-k2-diff-or-pricing": ("moonshotai/kimi-k2-instruct", None),
}


def parse_rows(text: str) -> dict[str, dict[str, str]]:
    """The leaderboard's records (a YAML list of flat `key: value` maps), by dirname."""
    rows: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        match = re.match(r"^(- |  )([A-Za-z0-9_]+): ?(.*)$", line)
        if not match:
            continue
        lead, key, value = match.groups()
        if lead == "- ":
            current = {}
        if current is None:
            continue
        current[key] = value.strip().strip("'\"")
        if key == "dirname":
            rows[current["dirname"]] = current
    return rows


def toml_text(rows: dict[str, dict[str, str]], commit: str, as_of: date) -> str:
    """The curated evidence file."""
    missing = sorted(set(ROWS) - set(rows))
    if missing:
        raise SystemExit(f"import_aider_leaderboard: rows not in the file: {', '.join(missing)}")
    out = [
        "# Aider polyglot leaderboard: Aider's own runs, one harness for every model (independent).",
        "# Written by scripts/import_aider_leaderboard.py; edit ROWS there, not this file.",
        "",
        "[defaults]",
        'benchmark = "Aider Polyglot"',
        'metric = "percent of 225 exercises solved within two tries (pass_rate_2)"',
        "independent = true",
        f'source = "{REPO_PATH} @{commit}"',
        f"as_of = {as_of.isoformat()}",
    ]
    for dirname, (model_id, note) in ROWS.items():
        row = rows[dirname]
        setting = (f"Aider run {dirname}: '{row['model']}', {row['edit_format']} format, "
                   f"{row['percent_cases_well_formed']} % well-formed")
        if note:
            setting += f"; {note}"
        out += ["", "[[evidence]]", f'model = "{model_id}"', f"score = {float(row['pass_rate_2'])}",
                f'setting = "{setting}"']
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="polyglot_leaderboard.yml")
    parser.add_argument("--commit", required=True, help="the Aider commit the file came from")
    parser.add_argument("--as-of", type=date.fromisoformat, default=datetime.now(UTC).date(),
                        help="date the file was read (default: today, UTC)")
    args = parser.parse_args(argv)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(toml_text(parse_rows(args.file.read_text(encoding="utf-8")), args.commit, args.as_of),
                   encoding="utf-8")
    print(f"wrote {len(ROWS)} results to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
