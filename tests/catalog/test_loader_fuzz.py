"""Every loader of untrusted files either succeeds or raises our own CatalogError, nothing else."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog.errors import CatalogError
from advisor.catalog.hf_config import model_from_hf_config
from advisor.catalog.importing import CSV_OPTIONAL, CSV_REQUIRED, parse_csv
from advisor.catalog.overlay import parse_overlay
from advisor.catalog.refresh import refresh_incoming
from advisor.catalog.store import load_bundled, parse_document, parse_json_bytes, to_document
from advisor.recommend.scenario import parse_scenario

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)
BASE = to_document(load_bundled())
KINDS = {"model-advisor-catalog": parse_document, "model-advisor-overlay": parse_overlay,
         "model-advisor-scenario": parse_scenario}


pytestmark = pytest.mark.slow  # fuzzers: `pytest -m "not slow"` skips them; the test command runs them


def mutate(doc: dict[str, Any], path: list[str | int], value: object) -> dict[str, Any]:
    """The document with the value at a (possibly invented) path replaced."""
    out: dict[str, Any] = json.loads(json.dumps(doc))
    node: Any = out
    for key in path[:-1]:
        in_dict = isinstance(node, dict) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if in_dict or in_list:
            node = node[key]
        else:
            return out
    last = path[-1] if path else "x"
    if isinstance(node, dict):
        node[str(last)] = value
    elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = value
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=JSON, kind=st.sampled_from(sorted(KINDS)), version=st.sampled_from([1, 0, 2, "1", None]))
def test_arbitrary_objects_fail_cleanly(raw: object, kind: str, version: object) -> None:
    docs: list[object] = [raw]
    if isinstance(raw, dict):
        docs.append({**raw, "schema_version": version, "kind": kind})
    for doc in docs:
        with contextlib.suppress(CatalogError):
            KINDS[kind](doc, "fuzz.json")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.lists(st.sampled_from(["models", "licenses", "hardware", "meta", 0, 1, "architecture",
                                       "offerings", "id", "layers", "price_input_usd_per_mtok",
                                       "as_of", "languages", "code"]), min_size=1, max_size=5),
       value=JSON)
def test_mutated_real_catalog_fails_cleanly(path: list[str | int], value: object) -> None:
    with contextlib.suppress(CatalogError):
        parse_document(mutate(BASE, path, value), "fuzz.json")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_fail_cleanly(data: bytes) -> None:
    with contextlib.suppress(CatalogError):
        parse_json_bytes(data, "fuzz.json")


def test_deep_nesting_is_refused_cleanly() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(CatalogError, match=r"deep\.json: is nested too deeply"):
        parse_json_bytes(deep, "deep.json")


# -- the importers -------------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEV = json.loads((FIXTURES / "models-dev-api.json").read_text(encoding="utf-8"))
CONFIG = json.loads((FIXTURES / "qwen3-8b-config.json").read_text(encoding="utf-8"))
CATALOG = load_bundled()
CELLS = st.sampled_from(["", "x", "acme/x", "true", "false", "maybe", "2026-11-01", "-1", "0.5", "=1+1",
                         "'x", "1e309", '"', "\n", "proprietary-openai", "MIT", "a,b", "é", "9" * 30])


@settings(max_examples=150, deadline=None)
@given(header=st.lists(st.sampled_from(CSV_REQUIRED + CSV_OPTIONAL + ("junk",)), min_size=1, max_size=20),
       rows=st.lists(st.lists(CELLS, min_size=0, max_size=20), max_size=4))
def test_csv_import_fails_cleanly(header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)])
    with contextlib.suppress(CatalogError):
        parse_csv(text, "fuzz.csv")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.lists(st.sampled_from(["openai", "anthropic", "deepinfra", "models", "gpt-4o-mini", "cost",
                                       "limit", "input", "output", "modalities", "name", 0]),
                     min_size=1, max_size=5),
       value=JSON)
def test_models_dev_documents_fail_cleanly(path: list[str | int], value: object) -> None:
    with contextlib.suppress(CatalogError):
        refresh_incoming(CATALOG, mutate(DEV, path, value), "fuzz.json")


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from([*sorted(CONFIG), "text_config", "layer_types", "num_experts"]), value=JSON)
def test_hugging_face_configs_fail_cleanly(key: str, value: object) -> None:
    with contextlib.suppress(CatalogError):
        model_from_hf_config({**CONFIG, key: value}, "config.json", model_id="fuzz/model", license_id="MIT")
