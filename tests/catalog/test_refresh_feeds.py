"""Refresh from LiteLLM, model-prices and genai-prices documents: prices and lifecycle of the
offerings the catalog lists, lifecycle changes first and marked, the user's edits left alone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.importing import LIFECYCLE_MARK, ChangeKind, apply_plan
from advisor.catalog.refresh import plan_refresh
from advisor.catalog.refresh_feeds import feed_kind
from advisor.catalog.schema import OfferingStatus
from advisor.catalog.store import Catalog
from advisor.cli import main
from advisor.storage.paths import UserPaths

TODAY = date(2026, 12, 3)


@pytest.fixture
def editor(paths: UserPaths, bundled: Catalog) -> OverlayEditor:
    return OverlayEditor.open(paths, bundled)


def _active_first_party(bundled: Catalog, provider: str) -> tuple[str, str]:
    for model in sorted(bundled.models.values(), key=lambda m: m.id):
        for offer in model.offerings:
            if (offer.provider == provider and offer.status is OfferingStatus.ACTIVE
                    and offer.provider_model_id):
                return model.id, offer.provider_model_id
    raise AssertionError(f"no active {provider} offering")


def test_feed_kinds_are_told_apart() -> None:
    assert feed_kind({"gpt-x": {"litellm_provider": "openai", "input_cost_per_token": 1e-6}}) == "litellm"
    assert feed_kind({"updated_at": "2026-10-26T00:00:00Z", "prices": {}}) == "model-prices"
    assert feed_kind([{"id": "anthropic", "models": []}]) == "genai-prices"
    assert feed_kind({"openai": {"models": {}}}) == "models.dev"
    assert feed_kind({"nothing": 1}) == "unknown"


def test_a_litellm_shutdown_date_in_the_past_retires_the_offering_and_leads_the_preview(
    editor: OverlayEditor, bundled: Catalog
) -> None:
    mid, pid = _active_first_party(bundled, "anthropic")
    offer = next(o for o in bundled.models[mid].offerings if o.provider_model_id == pid)
    doc = {pid: {"litellm_provider": "anthropic", "deprecation_date": "2026-11-30",
                 "input_cost_per_token": offer.price_input_usd_per_mtok / 1e6,
                 "output_cost_per_token": offer.price_output_usd_per_mtok / 1e6}}
    plan = plan_refresh(editor, doc=doc, name="litellm.json", today=TODAY)
    (change,) = plan.of(ChangeKind.CHANGE)
    assert change.model_id == mid
    assert change.details[0].startswith(LIFECYCLE_MARK)
    lifecycle = [line for line in change.details if line.startswith(LIFECYCLE_MARK)]
    assert any(".status: active → retired" in line for line in lifecycle), lifecycle
    assert any(".shutdown_date: null → 2026-11-30" in line for line in lifecycle), lifecycle
    apply_plan(editor, plan)
    new = next(o for o in editor.model(mid).offerings if o.provider_model_id == pid)
    assert (new.status, new.shutdown_date) == (OfferingStatus.RETIRED, date(2026, 11, 30))
    assert new.lifecycle_source is not None
    assert "litellm.json" in new.lifecycle_source


def test_genai_prices_update_prices_in_force_and_spare_the_users_edit(
    editor: OverlayEditor, bundled: Catalog
) -> None:
    mid, pid = _active_first_party(bundled, "google")
    doc = [{"id": "google", "models": [{"id": pid, "match": {"equals": pid}, "prices": [
        {"prices": {"input_mtok": 99, "output_mtok": 99}},
        {"constraint": {"start_date": "2026-11-01"},
         "prices": {"input_mtok": {"base": 2.5, "tiers": []}, "output_mtok": 12.5, "cache_read_mtok": 0.25}},
        {"constraint": {"start_date": "2027-02-01"}, "prices": {"input_mtok": 1, "output_mtok": 1}},
    ]}]}]
    plan = plan_refresh(editor, doc=doc, name="data.json", today=TODAY)
    (change,) = plan.of(ChangeKind.CHANGE)
    assert any("price_input_usd_per_mtok" in line and "→ 2.5" in line for line in change.details)
    apply_plan(editor, plan)
    new = next(o for o in editor.model(mid).offerings if o.provider_model_id == pid)
    assert (new.price_input_usd_per_mtok, new.price_output_usd_per_mtok) == (2.5, 12.5)
    assert new.price_cached_input_usd_per_mtok == 0.25
    assert new.as_of == TODAY
    editor.set_field(mid, "name", "Mine")
    doc[0]["models"][0]["prices"] = {"input_mtok": 7, "output_mtok": 7}  # type: ignore[index]
    again = plan_refresh(editor, doc=doc, name="data.json", today=TODAY)
    assert [c.model_id for c in again.of(ChangeKind.CONFLICT)] == [mid]


def test_refresh_from_a_file_on_the_command_line_marks_lifecycle_lines(
    tmp_path: Path, bundled: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    _mid, pid = _active_first_party(bundled, "anthropic")
    src = tmp_path / "litellm.json"
    src.write_text(json.dumps({pid: {"litellm_provider": "anthropic", "deprecation_date": "2027-03-01"}}),
                   encoding="utf-8")
    assert main(["catalog", "refresh", "--from", str(src), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"   !! {LIFECYCLE_MARK}" in out
    assert "2027-03-01" in out
