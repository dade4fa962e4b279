"""Measuring a running server: a fake Ollama and a fake llama.cpp server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main
from advisor.cli.action import MEASURE_FAILED
from advisor.hardware.measure import MeasureError, measure


def _serve(routes: dict[str, dict[str, Any]]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            body = routes.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            raw = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


OLLAMA: dict[str, dict[str, Any]] = {
    "/api/version": {"version": "0.12.0"},
    "/api/tags": {"models": [{"name": "gpt-oss:20b"}]},
    # 100 tokens in 0.4 s = 250 tokens/s; 40 prompt tokens in 0.02 s = 2000 tokens/s (nanoseconds)
    "/api/generate": {"model": "gpt-oss:20b", "response": "one, two", "done": True, "eval_count": 100,
                      "eval_duration": 400_000_000, "prompt_eval_count": 40,
                      "prompt_eval_duration": 20_000_000},
    "/api/show": {"details": {"quantization_level": "MXFP4", "family": "gptoss"}},
}
LLAMA: dict[str, dict[str, Any]] = {
    "/completion": {"content": "one, two", "model": "phi-4-Q4_K_M.gguf",
                    "timings": {"prompt_n": 12, "prompt_per_second": 850.5, "predicted_n": 128,
                                "predicted_per_second": 61.25}},
}


@pytest.fixture
def ollama() -> Iterator[str]:
    yield from _serve(OLLAMA)


@pytest.fixture
def llama() -> Iterator[str]:
    yield from _serve(LLAMA)


def test_ollama_timings_are_read(ollama: str) -> None:
    m = measure(ollama)
    assert (m.server, m.model, m.quantization) == ("ollama", "gpt-oss:20b", "MXFP4")
    assert m.tokens_per_s == pytest.approx(250.0)
    assert m.prompt_tokens_per_s == pytest.approx(2000.0)


def test_llama_cpp_timings_are_read(llama: str) -> None:
    m = measure(llama)
    assert (m.server, m.tokens_per_s, m.prompt_tokens_per_s, m.generated_tokens) == (
        "llama.cpp", 61.25, 850.5, 128)


def test_a_dead_server_is_a_clear_error() -> None:
    import socket  # noqa: PLC0415

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(MeasureError, match="no server at"):
        measure(f"http://127.0.0.1:{port}", timeout_s=2)
    assert main(["measure", "--url", f"http://127.0.0.1:{port}", "--hardware", "rtx-4090",
                 "--timeout", "2"]) == MEASURE_FAILED


def _estimate(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["estimate", "--model", "openai/gpt-oss-20b", "--quant", "MXFP4", "--hardware", "rtx-4090",
                 "--format", "json"]) == 0
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def test_the_measurement_is_stored_and_corrects_the_next_estimate(
        ollama: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _estimate(capsys)
    assert main(["measure", "--url", ollama, "--hardware", "rtx-4090", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert {k: stored[k] for k in ("model", "quantization", "tokens_per_s", "prompt_tokens_per_s")} == {
        "model": "gpt-oss:20b", "quantization": "MXFP4", "tokens_per_s": 250.0, "prompt_tokens_per_s": 2000.0}
    assert stored["model_id"] == "openai/gpt-oss-20b"
    assert stored["hardware_profile"].startswith("NVIDIA")
    after = _estimate(capsys)
    # Same model, quantization and machine: the estimate becomes the measurement, and says so.
    assert after["decode_tokens_per_s"]["expected"] == pytest.approx(250.0, abs=0.1)
    assert before["decode_tokens_per_s"]["expected"] != after["decode_tokens_per_s"]["expected"]
    assert any("measured at 250.0 tokens/s" in a for a in after["assumptions"])
    # Another machine is not corrected.
    assert main(["estimate", "--model", "openai/gpt-oss-20b", "--quant", "MXFP4", "--hardware", "h100-sxm",
                 "--format", "json"]) == 0
    other = json.loads(capsys.readouterr().out)
    assert not any("Speed corrected" in a for a in other["assumptions"])


def _local_speeds(capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], dict[str, Any]]:
    assert main(["recommend", "--hardware", "rtx-4090", "--deployment", "local", "--top", "300",
                 "--format", "json"]) == 0
    recs = json.loads(capsys.readouterr().out)["recommendations"]
    return {(r["model_id"], r["deployment"]["quantization"]): r for r in recs
            if r["deployment"]["mode"] == "local"}


def test_the_ranking_itself_uses_the_measured_speed(ollama: str, capsys: pytest.CaptureFixture[str]) -> None:
    """After `advisor measure`, every local plan on that machine is ranked at its corrected speed (the
    measured model by its own ratio, the others by the median), and its explanation says so."""
    before = _local_speeds(capsys)
    assert not any("calibration_note" in r["deployment"] for r in before.values())
    assert main(["measure", "--url", ollama, "--hardware", "rtx-4090", "--format", "json"]) == 0
    capsys.readouterr()
    after = _local_speeds(capsys)
    common = [k for k in after if k in before and before[k]["deployment"]["decode_tokens_per_s"]]
    assert len(common) >= 5
    ratios = {after[k]["deployment"]["decode_tokens_per_s"] / before[k]["deployment"]["decode_tokens_per_s"]
              for k in common}
    # One measurement: the same ratio for every plan (the JSON rounds speeds to 0.1 tokens/s).
    assert max(ratios) - min(ratios) < 0.02 * max(ratios)
    assert abs(min(ratios) - 1.0) > 0.05
    for k in common:
        dep = after[k]["deployment"]
        assert dep["calibrated_tokens_per_s"] == pytest.approx(dep["decode_tokens_per_s"], abs=0.1)
        own = k == ("openai/gpt-oss-20b", "MXFP4")  # measured at MXFP4; at another quantization: the median
        assert ("gpt-oss:20b measured at 250.0 tokens/s" if own else "median measured/estimated ratio of 1 "
                ) in dep["calibration_note"]
        assert "Speed corrected by x" in after[k]["explanation"][0] or any(
            "Speed corrected by x" in line for line in after[k]["explanation"])
    # Another machine keeps its estimates.
    assert main(["recommend", "--hardware", "h100-sxm", "--deployment", "local", "--format", "json"]) == 0
    other = json.loads(capsys.readouterr().out)["recommendations"]
    assert not any("calibration_note" in r["deployment"] for r in other)


def test_a_llama_cpp_measurement_matches_the_file_it_serves(llama: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measure", "--url", llama, "--hardware", "rtx-4090", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert (stored["model_id"], stored["quantization"], stored["tokens_per_s"]) == (
        "microsoft/phi-4", "Q4_K_M", 61.25)
    assert stored["prompt_tokens_per_s"] == 850.5


def test_a_calibration_file_is_read_through_the_capped_reader(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.estimate.calibration import CalibrationError, read_calibrations  # noqa: PLC0415
    from advisor.storage import reading  # noqa: PLC0415

    path = tmp_path / "calibrations.json"
    assert read_calibrations(path) == []  # absent: none
    path.write_text('{"kind": "x"}' + " " * 2000, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    with pytest.raises(CalibrationError, match="cannot be read"):
        read_calibrations(path)
