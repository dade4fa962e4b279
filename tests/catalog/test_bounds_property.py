"""Out-of-range numbers (NaN, infinities, absurd magnitudes) through every door a file or a user has:
catalog edit, catalog import, a scenario file. Each is refused with a worded error and changes
nothing; the ranking never sees them (issue: reliability, "Done when")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog.errors import CatalogError
from advisor.catalog.store import dump_json, load_bundled, to_document
from advisor.cli import main
from advisor.cli.common import load_user_catalog
from advisor.recommend.scenario import parse_scenario

CATALOG = load_bundled()
MODEL = CATALOG.models["qwen/qwen3-8b"]

ABSURD = st.one_of(st.just(math.nan), st.just(math.inf), st.just(-math.inf),
                   st.floats(min_value=1e12, max_value=1e300), st.floats(max_value=-1e-3, min_value=-1e300))
"""Values no price, score, context, bandwidth or share can take."""
FIELDS = ["evidence.0.score", "context_window_tokens", "offerings.0.price_input_usd_per_mtok",
          "architecture.total_params_b"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=ABSURD)
def test_catalog_edit_refuses_absurd_numbers(capsys: pytest.CaptureFixture[str], field: str,
                                             value: float) -> None:
    text = "NaN" if math.isnan(value) else repr(value)
    code = main(["catalog", "edit", MODEL.id, "--set", f"{field}={text}"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "advisor: error:" in err
    assert load_user_catalog().models[MODEL.id] == MODEL  # nothing was written


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ABSURD)
def test_catalog_import_refuses_absurd_numbers(tmp_path_factory: pytest.TempPathFactory,
                                               capsys: pytest.CaptureFixture[str], value: float) -> None:
    doc = to_document(CATALOG)
    entry = next(m for m in doc["models"] if m["id"] == MODEL.id)
    entry["offerings"][0]["price_output_usd_per_mtok"] = value
    path = tmp_path_factory.mktemp("import") / "bad.json"
    # json writes NaN/Infinity literals, as a careless or hostile tool would.
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["catalog", "import", str(path)])
    out = capsys.readouterr()
    assert code == 1, out.out + out.err
    assert "price_output_usd_per_mtok" in out.err
    assert load_user_catalog().models[MODEL.id] == MODEL


@settings(max_examples=40, deadline=None)
@given(field=st.sampled_from(["budget_usd_month", "output_share", "electricity_usd_kwh", "hours_per_month",
                              "sensitive_share", "cached_input_share"]), value=ABSURD)
def test_a_scenario_file_refuses_absurd_numbers(field: str, value: float) -> None:
    raw = {"schema_version": 3, "kind": "model-advisor-scenario", "name": "x", "constraints": {field: value}}
    with pytest.raises(CatalogError, match=field):
        parse_scenario(raw, "bad.json")


def test_a_sane_document_still_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.json"
    path.write_text(dump_json(to_document(CATALOG)), encoding="utf-8")
    assert main(["catalog", "import", str(path), "--dry-run"]) == 0
    assert f"{len(CATALOG.models)} unchanged" in capsys.readouterr().out
