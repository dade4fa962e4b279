"""Measure a model server the user already runs: one short fixed prompt, speeds from its answer.

Speaks Ollama's /api/generate (stream off: eval_count / eval_duration, prompt_eval_count /
prompt_eval_duration, durations in nanoseconds; ollama docs/api.md), llama.cpp's /completion
(timings.predicted_per_second, prompt_per_second; tools/server/README.md) and an OpenAI-compatible
/v1/chat/completions (usage.completion_tokens over the wall time: a lower bound, as it includes the
prompt). It never downloads, loads or starts a model: it sends one request to a server that is
already up, and a dead server or a time-out is a `MeasureError` with what to do.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from advisor.errors import AdvisorError

PROMPT = "Count from one to forty in words, separated by commas."
MAX_TOKENS = 128
NS = 1e9  # Ollama durations are in nanoseconds

Server = Literal["ollama", "llama.cpp", "openai"]

OLLAMA_URL = "http://127.0.0.1:11434"
"""Where Ollama listens unless OLLAMA_HOST says otherwise (ollama/ollama envconfig/config.go Host():
"Default is scheme http and host 127.0.0.1:11434", read 2026-12-04)."""
LLAMA_SERVER_URL = "http://127.0.0.1:8080"
"""Where llama-server listens without --host/--port (llama.cpp server_params: hostname 127.0.0.1,
port 8080; common/arg.cpp "--port PORT: port to listen (default: %d)", read 2026-12-04)."""


def suggested_url(in_ollama: bool) -> str:
    """The server to measure first: Ollama's when the model is in Ollama's store, else llama-server's."""
    return OLLAMA_URL if in_ollama else LLAMA_SERVER_URL


class MeasureError(AdvisorError):
    """The server could not be measured; the message says why and what to do."""


@dataclass(frozen=True)
class Measurement:
    """What one request showed."""

    server: Server
    model: str
    tokens_per_s: float
    prompt_tokens_per_s: float | None
    generated_tokens: int
    prompt_tokens: int | None
    quantization: str | None = None


def _request(url: str, body: dict[str, Any] | None, timeout_s: float) -> tuple[dict[str, Any], float]:
    """POST (or GET without a body) JSON; the parsed answer and the wall time in seconds."""
    data = None if body is None else json.dumps(body).encode()
    # The scheme was checked in `measure`: http or https only.
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},  # noqa: S310
                                 method="GET" if body is None else "POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - http(s) checked
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise MeasureError(f"{url} answered HTTP {exc.code}: {detail.strip() or exc.reason}") from exc
    except TimeoutError as exc:
        raise MeasureError(f"{url} did not answer within {timeout_s:g} s; is the model loaded? "
                           "Try again with a longer --timeout") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise MeasureError(f"{url} did not answer within {timeout_s:g} s; try a longer "
                               "--timeout") from exc
        raise MeasureError(f"no server at {url} ({exc.reason}); start Ollama, llama-server or "
                           "another OpenAI-compatible server first (advisor never starts one)") from exc
    except OSError as exc:
        raise MeasureError(f"{url}: {exc}") from exc
    wall = time.perf_counter() - start
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise MeasureError(f"{url} did not answer with JSON") from exc
    if not isinstance(doc, dict):
        raise MeasureError(f"{url} answered JSON that is not an object")
    return doc, wall


def _positive(doc: object, key: str) -> float | None:
    value = doc.get(key) if isinstance(doc, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return float(value)


def _ollama(base: str, model: str | None, timeout_s: float) -> Measurement:
    if model is None:
        tags, _ = _request(f"{base}/api/tags", None, timeout_s)
        names = [m.get("name") for m in tags.get("models", []) if isinstance(m, dict)]
        if not names:
            raise MeasureError("Ollama has no models; pull one (ollama pull TAG) or name it with --model")
        model = str(names[0])
    doc, _ = _request(f"{base}/api/generate", {"model": model, "prompt": PROMPT, "stream": False,
                                                "options": {"num_predict": MAX_TOKENS}}, timeout_s)
    count, dur = _positive(doc, "eval_count"), _positive(doc, "eval_duration")
    if count is None or dur is None:
        raise MeasureError("Ollama's answer has no eval_count / eval_duration")
    p_count, p_dur = _positive(doc, "prompt_eval_count"), _positive(doc, "prompt_eval_duration")
    quant = None
    try:  # /api/show reads the manifest of a model Ollama already has (details.quantization_level)
        show, _ = _request(f"{base}/api/show", {"model": model}, timeout_s)
        details = show.get("details")
        quant = details.get("quantization_level") if isinstance(details, dict) else None
    except MeasureError:
        quant = None
    return Measurement("ollama", model, count / (dur / NS),
                       p_count / (p_dur / NS) if p_count and p_dur else None, int(count),
                       int(p_count) if p_count else None, quant if isinstance(quant, str) else None)


def _llama_cpp(doc: dict[str, Any], model: str | None) -> Measurement:
    t = doc["timings"]
    speed = _positive(t, "predicted_per_second")
    if speed is None:
        raise MeasureError("llama.cpp's answer has no timings.predicted_per_second")
    settings = doc.get("generation_settings")
    name = model or str(doc.get("model") or (settings.get("model") if isinstance(settings, dict) else "")
                        or "llama.cpp")
    return Measurement("llama.cpp", name, speed, _positive(t, "prompt_per_second"),
                       int(t.get("predicted_n") or 0), int(t["prompt_n"]) if t.get("prompt_n") else None)


def _openai(base: str, model: str | None, timeout_s: float) -> Measurement:
    body: dict[str, Any] = {"messages": [{"role": "user", "content": PROMPT}],
                            "max_tokens": MAX_TOKENS, "stream": False}
    if model:
        body["model"] = model
    doc, wall = _request(f"{base}/v1/chat/completions", body, timeout_s)
    if isinstance(doc.get("timings"), dict):  # llama-server adds its own timings here too
        return _llama_cpp(doc, model or doc.get("model"))
    usage = doc.get("usage") if isinstance(doc.get("usage"), dict) else {}
    tokens = _positive(usage, "completion_tokens")
    if tokens is None:
        raise MeasureError("the answer has no usage.completion_tokens")
    prompt = _positive(usage, "prompt_tokens")
    return Measurement("openai", model or str(doc.get("model") or "unknown"), tokens / wall, None,
                       int(tokens), int(prompt) if prompt else None)


def measure(url: str, model: str | None = None, timeout_s: float = 120.0) -> Measurement:
    """Measure the server at `url` (Ollama, llama.cpp server or OpenAI-compatible, tried in that
    order unless the path names one: /api, /completion, /v1)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MeasureError(f"--url must be http://HOST:PORT (got {url!r})")
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    if path.startswith("/api"):
        return _ollama(base, model, timeout_s)
    if path.startswith("/completion"):
        return _completion(base, model, timeout_s)
    if path.startswith("/v1"):
        return _openai(base, model, timeout_s)
    try:  # Ollama answers /api/version; llama-server and the others do not
        version, _ = _request(f"{base}/api/version", None, min(timeout_s, 10.0))
        if "version" in version:
            return _ollama(base, model, timeout_s)
    except MeasureError as exc:
        if str(exc).startswith("no server"):
            raise
    try:
        return _completion(base, model, timeout_s)
    except MeasureError:
        return _openai(base, model, timeout_s)


def _completion(base: str, model: str | None, timeout_s: float) -> Measurement:
    doc, _ = _request(f"{base}/completion", {"prompt": PROMPT, "n_predict": MAX_TOKENS, "stream": False},
                      timeout_s)
    if not isinstance(doc.get("timings"), dict):
        raise MeasureError("the /completion answer has no timings (not a llama.cpp server?)")
    return _llama_cpp(doc, model)
