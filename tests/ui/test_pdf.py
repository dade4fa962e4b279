"""PDF reports: Qt's PDF writer, page count, paper size, vector chart, hostile names, headless CLI."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog, load_bundled
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.report import export_report
from advisor.report.render import CHART_MARKER, render_pdf_html
from advisor.ui.pdf import write_pdf

ROOT = Path(__file__).resolve().parents[2]


def page_count(pdf: bytes) -> int:
    """Pages in a PDF: the page objects Qt writes (one `/Type /Page` each)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.fixture(scope="module")
def hostile_result() -> RecommendationResult:
    base = load_bundled()
    models = dict(base.models)
    for i, name in enumerate(['<script>alert(1)</script>', '=HYPERLINK("http://x","y")']):
        m = models["openai/gpt-4o-mini"].model_copy(update={"id": f"evil/model-{i}", "name": name})
        models[m.id] = m
    cat = Catalog(meta=base.meta, models=models, licenses=base.licenses, hardware=base.hardware)
    return recommend(cat, Constraints(top_n=12))


def test_pdf_report_has_pages_numbers_and_vector_chart(qtbot: QtBot, tmp_path: Path,
                                                        hostile_result: RecommendationResult) -> None:
    path = tmp_path / "report.pdf"
    steps: list[str] = []
    export_report(hostile_result, path, progress=lambda _f, m: steps.append(m), pdf_writer=write_pdf)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    pages = page_count(data)
    assert pages >= 3  # a dozen models explained do not fit on two pages
    assert re.search(rb"/Count %d\b" % pages, data)
    assert b"/MediaBox [0 0 595" in data  # A4 by default
    assert b"/Subtype /Image" not in data  # the chart is vectors, not a picture
    assert f"Writing page {pages} of {pages}" in steps
    assert not [p for p in tmp_path.iterdir() if p.name != "report.pdf"]  # no temp file left


def test_write_pdf_returns_the_page_count_and_draws_the_chart(qtbot: QtBot, tmp_path: Path,
                                                             hostile_result: RecommendationResult) -> None:
    from advisor.report.chart import quality_cost_svg  # noqa: PLC0415

    html = render_pdf_html(hostile_result)
    with_chart = tmp_path / "chart.pdf"
    without = tmp_path / "plain.pdf"
    pages = write_pdf(html, with_chart, chart_svg=quality_cost_svg(hostile_result),
                      chart_marker=CHART_MARKER, paper="letter")
    write_pdf(html, without, paper="letter")
    assert page_count(with_chart.read_bytes()) == pages
    assert b"/MediaBox [0 0 612" in with_chart.read_bytes()  # US Letter
    assert with_chart.stat().st_size > without.stat().st_size  # the chart's paths are in it


def test_pdf_over_a_folder_is_a_clear_error(qtbot: QtBot, tmp_path: Path,
                                            hostile_result: RecommendationResult) -> None:
    from advisor.report import ReportError  # noqa: PLC0415

    folder = tmp_path / "report.pdf"
    folder.mkdir()  # a name that exists as a folder cannot become the PDF (fails for root too)
    with pytest.raises(ReportError, match="cannot write"):
        export_report(hostile_result, folder, pdf_writer=write_pdf)
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no temp file left


def test_cli_writes_a_pdf_without_a_display(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env["ADVISOR_HOME"] = str(tmp_path / "home")
    proc = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", "--scenario",
         str(ROOT / "docs" / "scenarios" / "rtx4090-coding.json"), "--format", "pdf", "--paper", "letter",
         "--output", str(out)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert page_count(data) >= 2
    assert b"/MediaBox [0 0 612" in data


def _good_pdf(result: RecommendationResult, path: Path) -> bytes:
    export_report(result, path, pdf_writer=write_pdf)
    return path.read_bytes()


def test_full_disk_pdf_is_an_error_and_the_previous_pdf_stays(
        qtbot: QtBot, tmp_path: Path, hostile_result: RecommendationResult,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.cli import main  # noqa: PLC0415
    from advisor.report import ReportError  # noqa: PLC0415

    path = tmp_path / "report.pdf"
    good = _good_pdf(hostile_result, path)

    def no_space(_fd: int, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", no_space)
    with pytest.raises(ReportError, match="No space left"):
        export_report(hostile_result, path, pdf_writer=write_pdf)
    # The command line says so and exits non-zero; it never claims "wrote".
    code = main(["recommend", "--format", "pdf", "--output", str(path)])
    monkeypatch.undo()
    streams = capsys.readouterr()
    assert code != 0
    assert "No space left" in streams.err
    assert "wrote" not in streams.out + streams.err
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no temp file left


def test_pdf_on_a_really_full_disk(qtbot: QtBot, small_disk: Path,
                                   hostile_result: RecommendationResult) -> None:
    from advisor.report import ReportError  # noqa: PLC0415
    from tests.conftest import fill_disk  # noqa: PLC0415

    path = small_disk / "report.pdf"
    good = _good_pdf(hostile_result, path)
    filler = fill_disk(small_disk)
    with pytest.raises(ReportError, match="No space left"):
        export_report(hostile_result, path, pdf_writer=write_pdf)
    assert path.read_bytes() == good
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "report.pdf"]
    filler.unlink()


def test_a_failed_painter_is_an_error_and_the_previous_pdf_stays(
        qtbot: QtBot, tmp_path: Path, hostile_result: RecommendationResult,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QPaintDevice, QPainter  # noqa: PLC0415

    from advisor.ui import pdf  # noqa: PLC0415

    path = tmp_path / "report.pdf"
    good = _good_pdf(hostile_result, path)

    class RefusingPainter(QPainter):
        def begin(self, _device: QPaintDevice) -> bool:
            return False

    monkeypatch.setattr(pdf, "QPainter", RefusingPainter)
    with pytest.raises(pdf.PdfError, match="could not start painting"):
        write_pdf(render_pdf_html(hostile_result), path)
    assert path.read_bytes() == good


def test_a_chart_that_cannot_be_drawn_is_an_error_not_a_missing_chart(
        qtbot: QtBot, tmp_path: Path, hostile_result: RecommendationResult) -> None:
    from advisor.ui.pdf import PdfError  # noqa: PLC0415

    with pytest.raises(PdfError, match="chart could not be drawn"):
        write_pdf(render_pdf_html(hostile_result), tmp_path / "r.pdf",
                  chart_svg="<svg><text>\x1b</text></svg>", chart_marker=CHART_MARKER)
    assert not (tmp_path / "r.pdf").exists()


def test_a_symlink_planted_for_the_temp_name_is_not_followed(
        qtbot: QtBot, tmp_path: Path, hostile_result: RecommendationResult) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    path = tmp_path / "report.pdf"
    # The name the old writer used (pid-based, predictable), and the pid's neighbours.
    for pid in range(os.getpid() - 2, os.getpid() + 3):
        (tmp_path / f".{path.name}.{pid}.tmp").symlink_to(victim)
    export_report(hostile_result, path, pdf_writer=write_pdf)
    assert victim.read_bytes() == b"precious"
    assert path.read_bytes().startswith(b"%PDF-")
    assert not path.is_symlink()


def test_a_control_character_in_a_name_does_not_drop_the_chart(qtbot: QtBot, tmp_path: Path) -> None:
    base = load_bundled()
    top = recommend(base, Constraints()).top
    assert top is not None
    models = dict(base.models)
    models[top.model_id] = models[top.model_id].model_copy(update={"name": "Pick\x1b[31m\x00\x0b"})
    result = recommend(Catalog(meta=base.meta, models=models, licenses=base.licenses,
                               hardware=base.hardware), Constraints())
    path = tmp_path / "report.pdf"
    # An undrawable chart would be a PdfError, never a silent gap.
    export_report(result, path, pdf_writer=write_pdf)
    plain = tmp_path / "plain.pdf"
    write_pdf(render_pdf_html(result), plain)
    assert path.stat().st_size > plain.stat().st_size  # the chart's vectors are in it
