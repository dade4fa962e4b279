"""The window's ranking table and the reports' ranking tables format a plan identically: every
column the two share is the same text, for local, hosted and hybrid plans alike (issue 22)."""

from __future__ import annotations

import html
import re

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import Catalog
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.report.render import render_html, render_markdown
from advisor.ui.result_models import RankingModel

COLUMNS = (RankingModel.RUNS, RankingModel.MEMORY, RankingModel.SPEED, RankingModel.COST,
           RankingModel.LICENSE, RankingModel.CONFIDENCE)


@pytest.fixture(scope="module")
def result(bundled: Catalog) -> RecommendationResult:
    """A ranking with local, API and hybrid plans (a volume one card cannot serve alone)."""
    hw = profile_from_preset(bundled.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    c = Constraints(hardware=hw, tokens_per_month=1_000_000_000, tasks={Task.CODING: 1.0}, top_n=40)
    return recommend(bundled, c)


def _window_rows(result: RecommendationResult) -> list[list[str]]:
    model = RankingModel()
    model.set_rows(result.shown())
    return [[str(model.data(model.index(row, col))) for col in COLUMNS] for row in range(model.rowCount())]


def _html_rows(text: str) -> list[list[str]]:
    table = text.split("<h2>Ranking</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>\d+</td>(.*?)</tr>", table, flags=re.S)
    cells = [[html.unescape(c.strip()) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
             for row in rows]
    return [row[2:] for row in cells]  # after the name and the score


def _markdown_rows(text: str) -> list[list[str]]:
    table = text.split("## Ranking", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if re.match(r"\| \d+ \|", line)]
    unescape = re.compile(r"\\(.)")
    return [[unescape.sub(r"\1", c.strip()) for c in line.strip("|").split(" | ")][3:] for line in rows]


def test_the_kinds_of_plan_are_all_there(result: RecommendationResult) -> None:
    modes = {r.deployment.mode for r in result.shown()}
    assert {"local", "api", "hybrid"} <= modes, modes


def test_window_html_and_markdown_show_the_same_cells(result: RecommendationResult) -> None:
    window = _window_rows(result)
    assert len(window) == len(result.shown())
    assert _html_rows(render_html(result)) == window
    assert _markdown_rows(render_markdown(result)) == window
