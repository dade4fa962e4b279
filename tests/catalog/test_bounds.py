"""Numbers a file or a flag can carry are finite and physical: a NaN, an infinity or an absurd value
is an error naming the field, never a value the ranking computes on (issue: reliability, item 1)."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from advisor.catalog.store import load_bundled
from advisor.cli import main
from advisor.cli.common import load_user_catalog
from advisor.hardware.profile import Accelerator

CATALOG = load_bundled()
MODEL = CATALOG.models["qwen/qwen3-8b"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_non_finite_benchmark_score_is_refused(value: float) -> None:
    ev = MODEL.evidence[0]
    with pytest.raises(ValidationError, match="finite"):
        type(ev).model_validate({**ev.model_dump(), "score": value})


def test_a_percentage_above_100_is_refused() -> None:
    ev = next(e for e in MODEL.evidence if e.benchmark != "LMArena Text")
    with pytest.raises(ValidationError, match="outside"):
        type(ev).model_validate({**ev.model_dump(), "score": 250})


@pytest.mark.parametrize(("field", "value"),
                         [("context_window_tokens", 10**23), ("max_output_tokens", 10**12)])
def test_absurd_token_counts_are_refused(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        type(MODEL).model_validate({**MODEL.model_dump(), field: value})


@pytest.mark.parametrize("value", [1e-308, 1e9])
def test_absurd_parameter_counts_are_refused(value: float) -> None:
    arch = MODEL.architecture
    assert arch is not None
    with pytest.raises(ValidationError, match="total_params_b"):
        type(arch).model_validate({**arch.model_dump(), "total_params_b": value})


def test_absurd_prices_and_hardware_are_refused() -> None:
    off = next(m.offerings[0] for m in CATALOG.models.values() if m.offerings)
    with pytest.raises(ValidationError, match="price_output_usd_per_mtok"):
        type(off).model_validate({**off.model_dump(), "price_output_usd_per_mtok": 1e9})
    with pytest.raises(ValidationError, match="bandwidth_gbs"):
        Accelerator(name="x", memory_gb=24, bandwidth_gbs=1e12)
    with pytest.raises(ValidationError, match="finite"):
        Accelerator(name="x", memory_gb=math.inf, bandwidth_gbs=1000)


def test_the_bundled_catalog_is_within_every_bound() -> None:
    # Re-validating every entry under the bounds: the catalog's own facts pass them.
    for model in CATALOG.models.values():
        type(model).model_validate(model.model_dump())
    for preset in CATALOG.hardware.values():
        type(preset).model_validate(preset.model_dump())


@pytest.mark.parametrize("args", [("--vram-gb", "24", "--bandwidth-gbs", "1e12"),
                                  ("--vram-gb", "inf", "--bandwidth-gbs", "1000"),
                                  ("--vram-gb", "24", "--bandwidth-gbs", "nan")])
def test_absurd_hardware_flags_are_clear_errors(capsys: pytest.CaptureFixture[str],
                                                args: tuple[str, ...]) -> None:
    code = main(["recommend", *args])
    err = capsys.readouterr().err
    assert code == 1
    assert "advisor: error:" in err
    assert "Traceback" not in err


def test_a_nan_set_through_catalog_edit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["catalog", "edit", MODEL.id, "--set", "evidence.0.score=NaN"])
    err = capsys.readouterr().err
    assert code == 1
    assert "finite" in err
    # Nothing was written: the ranking still sees the bundled score.
    assert load_user_catalog().models[MODEL.id].evidence[0].score == MODEL.evidence[0].score
