"""The window's Measure button (#20 item 4): a fake Ollama on 127.0.0.1 is measured, the calibration
is stored as `advisor measure` stores it, and the next estimate shown is corrected by it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.estimate import estimate
from advisor.estimate.calibration import Calibration, add_calibration, profile_key, read_calibrations
from advisor.hardware.installed import OLLAMA_MODEL_LAYER
from advisor.hardware.measure import LLAMA_SERVER_URL, OLLAMA_URL
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.result import DeploymentPlan, Recommendation
from advisor.storage.paths import UserPaths
from advisor.ui.main_window import MainWindow
from advisor.ui.measure_bar import MeasureBar, MeasureRequest, ask_server
from advisor.ui.settings import WindowSettings

from .conftest import rtx_4090, wait_ranked

MODEL = "openai/gpt-oss-20b"
TAG = "gpt-oss:20b"  # the catalog's Ollama tag of MODEL


def _serve(routes: dict[str, dict[str, Any]], delay_s: float = 0.0) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            time.sleep(delay_s)
            body = routes.get(self.path)
            raw = json.dumps(body).encode()
            with contextlib.suppress(OSError):  # the client gave up (the time-out test)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _ollama(tokens_per_s: float, quantization: str = "MXFP4") -> dict[str, dict[str, Any]]:
    """Ollama's answers (docs/api.md: durations in nanoseconds) for a model generating at this speed."""
    return {"/api/version": {"version": "0.12.0"},
            "/api/tags": {"models": [{"name": TAG}]},
            "/api/generate": {"model": TAG, "response": "one, two", "done": True, "eval_count": 100,
                              "eval_duration": round(100 / tokens_per_s * 1e9), "prompt_eval_count": 40,
                              "prompt_eval_duration": 20_000_000},
            "/api/show": {"details": {"quantization_level": quantization}}}


@pytest.fixture
def local(qtbot: QtBot, window: MainWindow, bundled: Catalog) -> tuple[MainWindow, Recommendation]:
    """The window ranking local plans on an RTX 4090, with gpt-oss-20b selected."""
    hardware = profile_from_preset(bundled.hardware["rtx-4090"])
    window.constraints_panel.set_constraints(Constraints(deployment=Deployment.LOCAL, hardware=hardware))
    window.ranking.rank()
    wait_ranked(qtbot, window)
    window.results.select_model(MODEL)
    current = window.results.current()
    assert current is not None
    assert current.model_id == MODEL
    assert current.deployment.mode == "local"
    return window, current


def _asked(bar: MeasureBar, url: str, model: str | None = TAG) -> list[MeasureRequest]:
    suggestions: list[MeasureRequest] = []

    def ask(_parent: object, suggested: MeasureRequest) -> MeasureRequest:
        suggestions.append(suggested)
        return MeasureRequest(url, model)

    bar.ask = ask
    return suggestions


def test_measuring_corrects_the_next_estimate_shown(qtbot: QtBot, local: tuple[MainWindow, Recommendation],
                                                    bundled: Catalog, paths: UserPaths) -> None:
    window, rec = local
    bar = window.measure
    assert bar.row.isVisibleTo(window)
    shown = rec.deployment.decode_tokens_per_s
    assert shown is not None
    assert "estimated" in bar.speed.text()
    assert f"{shown:.1f}" in bar.speed.text()
    hardware = window.result.constraints.hardware if window.result else None
    assert hardware is not None
    quant = rec.deployment.quantization
    assert quant is not None
    model_speed = estimate(bundled.models[MODEL], hardware, quant=quant).decode_tokens_per_s
    assert model_speed is not None
    # The server runs the plan's quantization, half as fast as estimated.
    for url in _serve(_ollama(model_speed.expected / 2, quant)):
        suggestions = _asked(bar, url)
        bar.button.click()
        qtbot.waitUntil(lambda: "stored for this machine" in bar.message.text(), timeout=20_000)
    assert suggestions == [MeasureRequest(LLAMA_SERVER_URL, None)]  # not in Ollama's store
    (cal,) = read_calibrations(paths.calibrations_file)
    assert (cal.model, cal.model_id, cal.quantization, cal.server) == (TAG, MODEL, quant, "ollama")
    assert cal.tokens_per_s == pytest.approx(model_speed.expected / 2, rel=1e-6)
    assert cal.hardware_profile == profile_key(hardware)
    # The measurement asked for a new ranking, and that ranking used it (as `advisor recommend` does).
    qtbot.waitUntil(lambda: _measured_plan(window) is not None, timeout=20_000)
    wait_ranked(qtbot, window)
    plan = _measured_plan(window)
    assert plan is not None
    assert plan.quantization == quant
    assert plan.decode_tokens_per_s == pytest.approx(shown * 0.5, rel=1e-6)
    assert plan.speed_note is not None
    assert "Speed corrected by x0.50" in plan.speed_note
    assert f"{TAG} measured at" in plan.speed_note  # this model at this quantization
    # The bar shows the ranking's corrected figure and its sentence; it does not correct it twice.
    assert f"~{plan.decode_tokens_per_s:.1f} tokens/s on this machine" in bar.speed.text()
    assert bar.note.isVisibleTo(window)
    assert bar.note.text() == plan.speed_note


def _measured_plan(window: MainWindow) -> DeploymentPlan | None:
    """The selected plan of MODEL, once a ranking has corrected it by a measurement."""
    current = window.results.current()
    if current is None or current.model_id != MODEL or current.deployment.speed_note is None:
        return None
    return current.deployment


def test_a_window_ranks_with_the_measurements_already_stored(
        qtbot: QtBot, local: tuple[MainWindow, Recommendation], bundled: Catalog, paths: UserPaths) -> None:
    first, plain = local  # ranked before anything was measured
    hardware = first.result.constraints.hardware if first.result else None
    assert hardware is not None
    quant = plain.deployment.quantization
    speed = plain.deployment.decode_tokens_per_s
    assert quant is not None
    assert speed is not None
    assert plain.deployment.speed_note is None
    model_speed = estimate(bundled.models[MODEL], hardware, quant=quant).decode_tokens_per_s
    assert model_speed is not None
    add_calibration(paths.calibrations_file, Calibration(
        model=TAG, model_id=MODEL, quantization=quant, tokens_per_s=model_speed.expected * 0.8,
        hardware_profile=profile_key(hardware), date=dt.date(2026, 12, 1), server="ollama",
        url=OLLAMA_URL), paths.backups_dir)
    window = MainWindow(bundled, paths, WindowSettings(), detector=rtx_4090(bundled))
    qtbot.addWidget(window)
    window.constraints_panel.set_constraints(first.constraints_panel.constraints())
    window.ranking.rank()
    wait_ranked(qtbot, window)
    window.results.select_model(MODEL)
    current = window.results.current()
    assert current is not None
    assert current.model_id == MODEL
    plan = current.deployment
    assert plan.quantization == quant
    assert plan.decode_tokens_per_s == pytest.approx(speed * 0.8, rel=1e-6)
    assert plan.speed_note is not None
    assert "Speed corrected by x0.80" in plan.speed_note
    assert f"~{plan.decode_tokens_per_s:.1f} tokens/s on this machine" in window.measure.speed.text()
    assert window.measure.note.text() == plan.speed_note
    window.background.wait()


def test_the_model_in_ollamas_store_suggests_ollama(qtbot: QtBot, local: tuple[MainWindow, Recommendation],
                                                    advisor_home: Path) -> None:
    window, _rec = local
    manifests = advisor_home / "ollama-models" / "manifests"  # OLLAMA_MODELS in tests/conftest.py
    manifest = manifests / "registry.ollama.ai" / "library" / "gpt-oss" / "20b"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"layers": [{"mediaType": OLLAMA_MODEL_LAYER, "digest": "sha256:00",
                                                "size": 13_780_000_000}]}))
    bar = window.measure
    suggestions: list[MeasureRequest] = []
    bar.ask = lambda _parent, suggested: suggestions.append(suggested)
    bar.button.click()
    qtbot.waitUntil(lambda: bool(suggestions) and not bar.busy, timeout=20_000)
    assert suggestions == [MeasureRequest(OLLAMA_URL, TAG)]
    assert bar.message.text() == ""  # cancelled: nothing measured, nothing said


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_a_dead_server_and_a_time_out_are_messages(qtbot: QtBot, local: tuple[MainWindow, Recommendation],
                                                   paths: UserPaths) -> None:
    window, _rec = local
    bar = window.measure
    _asked(bar, _closed_port())
    bar.button.click()
    qtbot.waitUntil(lambda: "Could not measure" in bar.message.text(), timeout=20_000)
    assert "no server at" in bar.message.text()
    assert "Traceback" not in bar.message.text()
    assert bar.button.isEnabled()
    bar.timeout_s = 0.3
    for url in _serve(_ollama(50.0), delay_s=1.0):
        _asked(bar, url)
        bar.button.click()
        qtbot.waitUntil(lambda: "did not answer within 0.3 s" in bar.message.text(), timeout=20_000)
    assert not paths.calibrations_file.exists()
    assert "not measured" in bar.speed.text()


def test_the_bar_is_for_local_plans_only(qtbot: QtBot, window: MainWindow) -> None:
    window.constraints_panel.set_constraints(Constraints(deployment=Deployment.API))
    window.ranking.rank()
    wait_ranked(qtbot, window)
    current = window.results.current()
    assert current is not None
    assert current.deployment.mode == "api"
    assert not window.measure.row.isVisibleTo(window)


def test_the_server_dialog_offers_the_suggestion_and_both_defaults(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[list[str]] = []

    def answer(accept: bool) -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible())
        url = dialog.findChild(QComboBox)
        model = dialog.findChild(QLineEdit, "model")
        assert url is not None
        assert model is not None
        seen.append([url.itemText(i) for i in range(url.count())] + [model.text()])
        if accept:
            url.setEditText("http://127.0.0.1:9999")
            dialog.accept()
        else:
            dialog.reject()

    QTimer.singleShot(0, lambda: answer(True))
    got = ask_server(parent, MeasureRequest(OLLAMA_URL, TAG))
    assert got == MeasureRequest("http://127.0.0.1:9999", TAG)
    assert seen == [[OLLAMA_URL, LLAMA_SERVER_URL, TAG]]
    QTimer.singleShot(0, lambda: answer(False))
    assert ask_server(parent, MeasureRequest(LLAMA_SERVER_URL, None)) is None
    assert seen[1] == [LLAMA_SERVER_URL, OLLAMA_URL, ""]
