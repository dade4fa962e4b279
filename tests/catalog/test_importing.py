"""Importing (catalog export JSON/TOML, CSV, Hugging Face config) and refreshing from models.dev:
previews, what gets applied, hostile files refused with a clear message and no change, HTTPS rules."""

from __future__ import annotations

import copy
import http.server
import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from advisor.catalog.download import fetch
from advisor.catalog.editing import OverlayEditor
from advisor.catalog.errors import CatalogError
from advisor.catalog.importing import (
    ChangeKind,
    apply_plan,
    csv_rows,
    plan_import,
    read_incoming,
)
from advisor.catalog.refresh import plan_refresh
from advisor.catalog.store import Catalog, dump_json, to_document
from advisor.cli import main
from advisor.storage.paths import UserPaths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = date(2026, 11, 25)


@pytest.fixture
def editor(paths: UserPaths, bundled: Catalog) -> OverlayEditor:
    return OverlayEditor.open(paths, bundled)


def _export_with(bundled: Catalog, path: Path, changes: dict[str, Any]) -> None:
    doc = to_document(bundled)
    for model in doc["models"]:
        if model["id"] in changes:
            model.update(changes[model["id"]])
    doc["models"].append({**next(m for m in doc["models"] if m["id"] == "qwen/qwen3-8b"),
                          "id": "ourteam/qwen3-8b-support", "name": "Support bot"})
    path.write_text(dump_json(doc), encoding="utf-8")


def test_import_own_export_previews_then_applies(editor: OverlayEditor, bundled: Catalog,
                                                 tmp_path: Path) -> None:
    src = tmp_path / "team.json"
    _export_with(bundled, src, {"openai/gpt-4o-mini": {"name": "GPT-4o mini (team)"}})
    editor.set_field("qwen/qwen3-8b", "name", "My own name")  # the user's edit
    plan = plan_import(editor, read_incoming(src), str(src))
    assert [c.model_id for c in plan.of(ChangeKind.ADD)] == ["ourteam/qwen3-8b-support"]
    changed = plan.of(ChangeKind.CHANGE)
    assert [c.model_id for c in changed] == ["openai/gpt-4o-mini"]
    assert changed[0].details == ("name: GPT-4o mini → GPT-4o mini (team)",)
    assert [c.model_id for c in plan.of(ChangeKind.CONFLICT)] == ["qwen/qwen3-8b"]
    applied = apply_plan(editor, plan)
    assert sorted(applied) == ["openai/gpt-4o-mini", "ourteam/qwen3-8b-support"]
    assert editor.model("qwen/qwen3-8b").name == "My own name"  # conflicts left alone


def test_import_toml_and_accept_subset(editor: OverlayEditor, bundled: Catalog, tmp_path: Path) -> None:
    json_src = tmp_path / "team.json"
    _export_with(bundled, json_src, {"openai/gpt-4o-mini": {"name": "Renamed"}})
    doc = json.loads(json_src.read_text(encoding="utf-8"))
    toml_src = tmp_path / "team.toml"
    toml_src.write_text(_to_toml(doc), encoding="utf-8")
    plan = plan_import(editor, read_incoming(toml_src), str(toml_src))
    assert {c.model_id for c in plan.of(ChangeKind.ADD)} == {"ourteam/qwen3-8b-support"}
    applied = apply_plan(editor, plan, accept=["openai/gpt-4o-mini"])
    assert applied == ["openai/gpt-4o-mini"]
    assert "ourteam/qwen3-8b-support" not in editor.catalog().models


def _to_toml(doc: dict[str, Any]) -> str:
    """A tiny TOML writer for the test (JSON values are valid TOML inline values, except null)."""
    def value(v: Any) -> str:
        if isinstance(v, dict):
            pairs = (f"{json.dumps(k)} = {value(x)}" for k, x in v.items() if x is not None)
            return "{" + ", ".join(pairs) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)
    lines = [f"schema_version = {doc['schema_version']}", f"kind = {json.dumps(doc['kind'])}",
             f"meta = {value(doc['meta'])}"]
    for key in ("licenses", "hardware", "models"):
        for entry in doc[key]:
            lines.append(f"[[{key}]]")
            lines += [f"{json.dumps(k)} = {value(v)}" for k, v in entry.items() if v is not None]
    return "\n".join(lines) + "\n"


CSV_HEADER = "id,name,family,vendor,open_weights,license,source,as_of,provider,price_input_usd_per_mtok," \
             "price_output_usd_per_mtok,context_window_tokens\n"


def test_csv_import_with_two_offerings(editor: OverlayEditor, tmp_path: Path) -> None:
    src = tmp_path / "models.csv"
    src.write_text(CSV_HEADER
                   + "acme/helper-1,Helper 1,helper,Acme,false,proprietary-openai,https://acme.example/prices,"
                     "2026-11-01,acme,0.5,1.5,64000\n"
                   + "acme/helper-1,Helper 1,helper,Acme,false,proprietary-openai,https://other.example,"
                     "2026-11-02,other,0.4,1.2,64000\n", encoding="utf-8")
    plan = plan_import(editor, read_incoming(src), str(src))
    (add,) = plan.of(ChangeKind.ADD)
    assert [o.provider for o in add.incoming.offerings] == ["acme", "other"]
    assert add.incoming.offerings[1].price_output_usd_per_mtok == 1.2
    apply_plan(editor, plan)
    assert editor.catalog().models["acme/helper-1"].context_window_tokens == 64000


def test_csv_errors_name_row_and_field(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(CSV_HEADER + "acme/x,X,x,Acme,perhaps,proprietary-openai,s,2026-11-01,,,,\n"
                   + "acme/y,Y,y,Acme,false,proprietary-openai,s,not-a-date,,,,\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        read_incoming(src)
    text = str(info.value)
    assert "row 2 (model 'acme/x'): open_weights: must be true or false" in text
    assert "row 3 (model 'acme/y')" in text
    assert "as_of" in text
    src.write_text("id,name\nacme/x,X\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="lacks the column"):
        read_incoming(src)


def test_csv_export_round_trips_and_is_formula_safe(editor: OverlayEditor, tmp_path: Path) -> None:
    editor.set_field("openai/gpt-4o-mini", "name", '=HYPERLINK("http://x","y")')
    text = csv_rows([editor.model("openai/gpt-4o-mini"), editor.model("qwen/qwen3-8b")])
    assert "'=HYPERLINK" in text
    src = tmp_path / "round.csv"
    src.write_text(text, encoding="utf-8")
    back = {m.id: m for m in read_incoming(src).models}
    assert back["openai/gpt-4o-mini"].name == '=HYPERLINK("http://x","y")'
    assert len(back["openai/gpt-4o-mini"].offerings) == len(editor.model("openai/gpt-4o-mini").offerings)


def test_hugging_face_config_counts_parameters(editor: OverlayEditor, tmp_path: Path) -> None:
    folder = tmp_path / "ft"
    folder.mkdir()
    shutil.copy(FIXTURES / "qwen3-8b-config.json", folder / "config.json")
    with pytest.raises(CatalogError, match=r"--id and --license"):
        read_incoming(folder / "config.json")
    (model,) = read_incoming(folder / "config.json", model_id="ourteam/qwen3-8b-support",
                             license_id="Apache-2.0", today=TODAY).models
    arch = model.architecture
    assert arch is not None
    assert (arch.layers, arch.hidden_size, arch.attention_heads, arch.kv_heads, arch.head_dim) == \
        (36, 4096, 32, 8, 128)
    assert arch.total_params_b == pytest.approx(8.19, abs=0.01)  # the card: 8.2B
    assert model.context_window_tokens == 40960
    assert arch.tied_embeddings is False
    # a safetensors index beside it (synthetic size: 16.38 GB of bf16) gives the hub count as well
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 16_380_000_000}, "weight_map": {}}), encoding="utf-8")
    (model,) = read_incoming(folder / "config.json", model_id="ourteam/qwen3-8b-support",
                             license_id="Apache-2.0", today=TODAY).models
    assert model.architecture is not None
    assert model.architecture.hub_params_b == pytest.approx(8.19)
    plan = plan_import(editor, read_incoming(folder / "config.json", model_id="ourteam/qwen3-8b-support",
                                             license_id="Apache-2.0", today=TODAY), "config.json")
    apply_plan(editor, plan)
    assert editor.catalog().models["ourteam/qwen3-8b-support"].open_weights


def _huge_json() -> str:
    return json.dumps({"schema_version": 1, "kind": "model-advisor-overlay",
                       "models": [{"id": "acme/x", "name": "x" * 50_000_000}]})


def _huge_csv() -> str:
    return CSV_HEADER + "acme/x," + "x" * 50_000_000 + ",x,A,false,MIT,s,2026-11-01,,,,\n"


# Each file's content is built inside its test (the two 50 MB ones would otherwise sit in memory
# from collection on, for every run, even one that selects no test here).
HOSTILE_FILES: list[tuple[str, Callable[[], str | bytes], str]] = [
    ("types.json", lambda: json.dumps({"schema_version": 1, "kind": "model-advisor-catalog",
                                       "meta": {"version": "x", "as_of": "2026-11-01"},
                                       "models": [{"id": "acme/x", "name": 5}]}), "acme/x"),
    ("huge.json", _huge_json, "name"),
    ("deep.json", lambda: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("bytes.json", lambda: b'{"kind": "\xff\xfe"}', "not UTF-8"),
    ("bytes.csv", lambda: b"id,name\n\xff\n", "not UTF-8"),
    ("huge.csv", _huge_csv, "name: String should have at most 200 characters"),
    ("other.json", lambda: json.dumps({"hello": "world"}), "not a file Model Advisor can import"),
    ("bad.toml", lambda: "this is = = not toml", "not valid TOML"),
]


@pytest.mark.parametrize(("name", "build", "words"), [pytest.param(*f, id=f[0]) for f in HOSTILE_FILES])
def test_hostile_files_are_refused_and_change_nothing(editor: OverlayEditor, tmp_path: Path, name: str,
                                                      build: Callable[[], str | bytes], words: str) -> None:
    src = tmp_path / name
    content = build()
    if isinstance(content, bytes):
        src.write_bytes(content)
    else:
        src.write_text(content, encoding="utf-8")
    del content  # 50 MB for the huge ones: not held while the import runs
    before = editor.overlay
    with pytest.raises(CatalogError) as info:
        plan_import(editor, read_incoming(src), str(src))
    message = str(info.value)
    assert words in message
    assert str(src) in message
    assert len(message) < 2_000  # the 50 MB string is not echoed back
    assert editor.overlay == before
    assert not editor.paths.overlay_file.exists()


def _doc(catalog: Catalog | None = None) -> dict[str, Any]:
    """The models.dev fixture (the 2026-07-02 snapshot's api.json); with `catalog`, its entries for the
    catalog's offerings carry the catalog's own prices and limits, which the build may have taken from
    newer sources, so that only a test-made change differs."""
    loaded: dict[str, Any] = json.loads((FIXTURES / "models-dev-api.json").read_text(encoding="utf-8"))
    for model in (catalog.models.values() if catalog else ()):
        for offer in model.offerings:
            entry = loaded.get(offer.provider, {}).get("models", {}).get(offer.provider_model_id or "")
            if entry is None:
                continue
            cost = entry.setdefault("cost", {})
            cost["input"], cost["output"] = offer.price_input_usd_per_mtok, offer.price_output_usd_per_mtok
            if offer.price_cached_input_usd_per_mtok is None:
                cost.pop("cache_read", None)
            else:
                cost["cache_read"] = offer.price_cached_input_usd_per_mtok
            limit = entry.setdefault("limit", {})
            for key, value in (("context", offer.context_window_tokens), ("output", offer.max_output_tokens)):
                if value is None:
                    limit.pop(key, None)
                else:
                    limit[key] = value
    return loaded


def test_refresh_takes_price_changes_and_new_models_but_never_user_edits(editor: OverlayEditor,
                                                                        bundled: Catalog) -> None:
    doc = copy.deepcopy(_doc(bundled))
    # Test-made changes (not real prices): a new price for gpt-4o-mini and gpt-4.1 on OpenAI.
    doc["openai"]["models"]["gpt-4o-mini"]["cost"]["input"] = 0.11
    doc["openai"]["models"]["gpt-4.1"]["cost"]["output"] = 7.5
    editor.set_field("openai/gpt-4.1", "notes", '["we negotiated our own price"]')
    plan = plan_refresh(editor, doc=doc, name="api.json", today=TODAY)
    changes = {c.model_id: c for c in plan.of(ChangeKind.CHANGE)}
    assert set(changes) == {"openai/gpt-4o-mini"}
    old = bundled.models["openai/gpt-4o-mini"].offerings[0].price_input_usd_per_mtok
    assert any(f"price_input_usd_per_mtok: {old} → 0.11" in d for d in changes["openai/gpt-4o-mini"].details)
    assert [c.model_id for c in plan.of(ChangeKind.CONFLICT)] == ["openai/gpt-4.1"]
    added = {c.model_id for c in plan.of(ChangeKind.ADD)}
    assert "openai/o3-deep-research" in added  # in the fixture, not in the catalog
    assert not any("embedding" in m for m in added)
    applied = apply_plan(editor, plan)
    assert "openai/gpt-4.1" not in applied
    assert editor.model("openai/gpt-4.1").offerings[0].price_output_usd_per_mtok != 7.5
    mini = editor.model("openai/gpt-4o-mini").offerings[0]
    assert mini.price_input_usd_per_mtok == 0.11
    assert mini.as_of == TODAY
    assert "models.dev" in mini.source


def test_refresh_of_an_unchanged_document_changes_no_known_model(editor: OverlayEditor) -> None:
    plan = plan_refresh(editor, doc=_doc(editor.catalog()), name="api.json", today=TODAY)
    assert plan.of(ChangeKind.CHANGE) == []  # the same prices and limits as the catalog's


def test_refresh_rejects_non_https_and_bad_documents(editor: OverlayEditor, tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="only https://"):
        fetch("http://models.dev/api.json")
    with pytest.raises(CatalogError, match="only https://"):
        fetch("file:///etc/passwd")
    bad = tmp_path / "api.json"
    bad.write_text(json.dumps({"openai": {"models": []}}), encoding="utf-8")
    with pytest.raises(CatalogError, match="must be an object of models"):
        plan_refresh(editor, str(bad))


# -- a local HTTPS server (self-signed certificate made with openssl) ---------------------------------

@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A key and a self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return key, cert


def _trickle(handler: http.server.BaseHTTPRequestHandler, data: bytes) -> None:
    """Send `data` one byte a second (a slowloris), until the client hangs up."""
    for byte in data:
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:
            return
        threading.Event().wait(1.0)


@pytest.fixture(scope="module")
def https_server(tls_files: tuple[Path, Path]) -> Iterator[tuple[str, ssl.SSLContext]]:
    key, cert = tls_files
    body = (FIXTURES / "models-dev-api.json").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/api.json":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:1/api.json")
                self.end_headers()
            elif self.path in ("/garbage", "/wrong-shape"):
                payload = b"{not json" if self.path == "/garbage" else b'{"openai": {"models": [1, 2]}}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            elif self.path in ("/huge", "/huge-declared"):
                self.send_response(200)
                if self.path == "/huge-declared":
                    self.send_header("Content-Length", str(500 * 1024 * 1024))
                self.end_headers()
                chunk = b" " * (1024 * 1024)
                for _ in range(500):  # 500 MB unless the client hangs up first
                    try:
                        self.wfile.write(chunk)
                    except OSError:
                        return
            elif self.path == "/error":
                self.send_response(500)
                self.end_headers()
            elif self.path == "/slow":
                threading.Event().wait(3)
                self.send_response(200)
                self.end_headers()
            elif self.path == "/slowloris":  # prompt headers, then the body one byte a second
                self.send_response(200)
                self.end_headers()
                _trickle(self, b" " * 120)
            elif self.path == "/slowloris-headers":  # even the status line one byte a second
                _trickle(self, b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"x" * 100 + b"\r\n\r\n")
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
            return  # refused handshakes and clients that time out are what some tests do

    server = Server(("127.0.0.1", 0), Handler)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    # handshake in the request thread, so a refused handshake closes its socket like any bad request
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    yield f"https://127.0.0.1:{server.server_address[1]}", client_ctx
    server.shutdown()
    server.server_close()


def test_fetch_over_https_with_size_cap_redirect_rule_and_timeout(
        https_server: tuple[str, ssl.SSLContext]) -> None:
    base, ctx = https_server
    data = fetch(f"{base}/api.json", context=ctx)
    assert json.loads(data)["openai"]["models"]["gpt-4o-mini"]["cost"]["input"] == 0.15
    with pytest.raises(CatalogError, match="larger than"):
        fetch(f"{base}/api.json", context=ctx, max_bytes=10_000)
    with pytest.raises(CatalogError, match="non-HTTPS"):
        fetch(f"{base}/redirect", context=ctx)
    with pytest.raises(CatalogError, match="HTTP 404"):
        fetch(f"{base}/missing", context=ctx)
    with pytest.raises(CatalogError, match=r"did not answer within|could not be reached"):
        fetch(f"{base}/slow", context=ctx, timeout=0.5)
    with pytest.raises(CatalogError, match="could not be reached"):
        fetch(f"{base}/api.json")  # our self-signed certificate is not trusted by default


@pytest.mark.parametrize(("path", "limits", "words"), [
    # The body trickles: cut off by the minimum rate once the grace period is over.
    ("/slowloris", {"grace_s": 2.0, "min_rate_bytes_s": 100.0, "deadline_s": 60.0}, "slower than"),
    # Even at an accepted rate, the whole download has a deadline.
    ("/slowloris", {"grace_s": 60.0, "min_rate_bytes_s": 0.0, "deadline_s": 3.0}, "within 3 s"),
    # A status line sent one byte a second never gets to the body: the deadline still holds.
    ("/slowloris-headers", {"grace_s": 60.0, "min_rate_bytes_s": 0.0, "deadline_s": 3.0}, "within 3 s"),
])
def test_a_slowloris_server_is_cut_off(https_server: tuple[str, ssl.SSLContext], path: str,
                                       limits: dict[str, float], words: str) -> None:
    base, ctx = https_server
    started = time.monotonic()
    with pytest.raises(CatalogError, match=words):
        fetch(f"{base}{path}", context=ctx, timeout=5.0, deadline_s=limits["deadline_s"],
              grace_s=limits["grace_s"], min_rate_bytes_s=limits["min_rate_bytes_s"])
    took = time.monotonic() - started
    # One byte a second answers every 5 s read in time; only the limits end it, soon after they pass.
    assert took < min(limits["deadline_s"], limits["grace_s"] + 1.5) + 1.5


def test_cli_refresh_from_a_slowloris_says_so(https_server: tuple[str, ssl.SSLContext],
                                              tls_files: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    base, _ctx = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[1]))  # trust the test certificate
    monkeypatch.setattr("advisor.catalog.download.GRACE_S", 2.0)  # the real 20 s, shortened
    started = time.monotonic()
    assert main(["catalog", "refresh", "--from", f"{base}/slowloris", "--dry-run"]) == 1
    assert time.monotonic() - started < 6
    err = capsys.readouterr().err
    assert "slower than the 20 kB/s a refresh needs; stopped" in err
    assert "Traceback" not in err


def test_cli_import_refresh_edit_hide_revert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ADVISOR_HOME", str(tmp_path / "home"))
    assert main(["catalog", "edit", "openai/gpt-4o-mini", "--set", "name=Mini"]) == 0
    assert main(["catalog", "hide", "qwen/qwen3-8b"]) == 0
    assert main(["catalog", "revert", "openai/gpt-4o-mini"]) == 0
    out_file = tmp_path / "export.json"
    assert main(["catalog", "export", str(out_file)]) == 0
    assert json.loads(out_file.read_text(encoding="utf-8"))["kind"] == "model-advisor-catalog"
    capsys.readouterr()
    assert main(["catalog", "refresh", "--from", str(FIXTURES / "models-dev-api.json"), "--dry-run",
                 "--format", "json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert any(c["model_id"] == "openai/o3-deep-research" for c in preview["changes"])
    overlay = tmp_path / "home" / "data" / "catalog-overlay.json"
    before = overlay.read_bytes()
    assert main(["catalog", "import", str(FIXTURES / "qwen3-8b-config.json"), "--dry-run"]) == 1
    assert "--id and --license" in capsys.readouterr().err
    assert main(["catalog", "import", str(FIXTURES / "qwen3-8b-config.json"), "--id", "ourteam/ft",
                 "--license", "Apache-2.0"]) == 0
    assert overlay.read_bytes() != before
    assert main(["catalog", "show", "ourteam/ft", "--format", "json"]) == 0
    assert main(["catalog", "edit", "openai/gpt-4o-mini", "--set", "context_window_tokens=-1"]) == 1
    assert "must be greater than 0" in capsys.readouterr().err


def test_refresh_failures_are_clear_and_change_nothing(https_server: tuple[str, ssl.SSLContext],
                                                       editor: OverlayEditor) -> None:
    base, ctx = https_server
    before = editor.overlay
    cases = {"/garbage": "is not valid JSON", "/wrong-shape": "must be an object of models",
             "/error": "HTTP 500", "/huge": "larger than 64 MiB", "/huge-declared": "larger than 64 MiB",
             "/redirect": "non-HTTPS"}
    for path, words in cases.items():
        with pytest.raises(CatalogError) as info:
            plan_refresh(editor, f"{base}{path}", context=ctx)
        assert words in str(info.value), path
    with pytest.raises(CatalogError, match=r"could not be reached|did not answer"):
        plan_refresh(editor, "https://models-advisor-test.invalid/api.json")  # no such host (DNS)
    plan = plan_refresh(editor, f"{base}/api.json", context=ctx)
    assert plan.of(ChangeKind.ADD)
    assert editor.overlay == before
    assert not editor.paths.overlay_file.exists()


def test_a_note_longer_than_the_csv_modules_default_field_limit_round_trips(editor: OverlayEditor,
                                                                            tmp_path: Path) -> None:
    note = "long " * 30_000  # 150,000 characters: Python's csv refuses fields over 131,072 by default
    editor.set_field("qwen/qwen3-8b", "notes", [note])
    src = tmp_path / "long.csv"
    src.write_text(csv_rows([editor.model("qwen/qwen3-8b")]), encoding="utf-8")
    (back,) = read_incoming(src).models
    assert back.notes == (note.strip(),)
