"""The array estimator (used by the ranking) gives the single-model estimator's figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.catalog.store import load_bundled
from advisor.estimate import EstimateError, EstimateSettings, best_size, finish, footprint, size
from advisor.estimate.batch import PLACEMENTS, FootprintColumns, size_columns, time_to_first_token
from advisor.estimate.core import candidate_quants
from advisor.estimate.memory import weights_bytes
from advisor.hardware.profile import Accelerator, HardwareProfile, profile_from_preset
from advisor.recommend.batch import _local_options, usage_of
from advisor.recommend.columns import QUANT_NAMES, build_columns
from advisor.recommend.constraints import Constraints
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.engine import quality_table

CAT = load_bundled()
MODELS = []
for _m in CAT.models.values():
    try:
        footprint(_m)
    except EstimateError:
        continue
    MODELS.append(_m)
FP = FootprintColumns.of([footprint(m) for m in MODELS],
                         [m.architecture is not None and m.architecture.is_moe for m in MODELS])
SETTINGS = EstimateSettings()

HARDWARE = {
    **{pid: profile_from_preset(p) for pid, p in CAT.hardware.items()},
    **{f"{pid}-x2": profile_from_preset(p, gpu_count=2) for pid, p in CAT.hardware.items()
       if p.kind.value == "gpu"},
    "gpu-no-ram-bandwidth": HardwareProfile(
        gpu=Accelerator(name="GPU", memory_gb=12, bandwidth_gbs=500), ram_gb=64),
    "cpu-unknown-bandwidth": HardwareProfile(ram_gb=128),
}


def close(a: float | None, b: float) -> bool:
    if a is None:
        return math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


@pytest.mark.parametrize("hw_id", sorted(HARDWARE))
@pytest.mark.parametrize("context", [4096, 32768, 262144])
@pytest.mark.parametrize("quant", ["Q8_0", "Q4_K_M", "IQ2_XXS", "MXFP4"])
def test_array_sizes_match_the_single_model_estimator(hw_id: str, context: int, quant: str) -> None:
    hw = HARDWARE[hw_id]
    weights = np.array([weights_bytes(m, quant)[0] for m in MODELS])
    cols = size_columns(FP, hw, weights, context, 2.0, SETTINGS)
    ttft = time_to_first_token(FP, hw, SETTINGS)
    for i, m in enumerate(MODELS):
        one = size(m, hw, quant, context, settings=SETTINGS)
        assert PLACEMENTS[cols.placement[i]] == one.placement, m.id
        assert close(one.kv, cols.kv[i])
        assert close(one.fit.overhead, cols.overhead[i])
        assert cols.available == one.fit.available
        if one.placement != "does_not_fit":
            assert cols.gpu_layers[i] == one.fit.gpu_layers
            expected_ttft = finish(one, SETTINGS).time_to_first_token_s
            assert close(expected_ttft, float(ttft[i])), m.id
        for j in range(3):
            assert close(one.decode[j] if one.decode else None, float(cols.decode[j][i])), m.id


@pytest.mark.parametrize("hw_id", sorted(HARDWARE))
@pytest.mark.parametrize("context", [8192, 131072])
def test_the_ranking_picks_the_quantization_the_estimator_picks(hw_id: str, context: int) -> None:
    hw = HARDWARE[hw_id]
    cols = build_columns(CAT, quality_table(CAT))
    idx = np.array([cols.position[m.id] for m in MODELS])
    c = Constraints(hardware=hw, min_context_tokens=context)
    _, options = _local_options(cols, c, PlanSettings(), usage_of(c), idx)
    best = options[0]
    for i, m in enumerate(MODELS):
        one = best_size(m, hw, context, settings=SETTINGS)
        assert QUANT_NAMES[best.quant[i]] == one.quantization, (m.id, candidate_quants(m))
        assert PLACEMENTS[best.sized.placement[i]] == one.placement

