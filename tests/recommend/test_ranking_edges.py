"""Inputs a review found could break the array ranking: odd artifact names, a catalog of models
that cannot be sized, repeated models, absurd architectures, overlapping collector pauses."""

from __future__ import annotations

import gc
import threading
from dataclasses import replace
from datetime import date

import numpy as np

from advisor.catalog.store import load_bundled, no_gc
from advisor.estimate import EstimateSettings, footprint, size
from advisor.estimate.batch import PLACEMENTS, size_columns
from advisor.estimate.core import candidate_quants
from advisor.estimate.footprints import FootprintColumns
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.ranking import rank

CAT = load_bundled()
HW = profile_from_preset(CAT.hardware["rtx-4090"])
TODAY = date(2026, 11, 25)


def test_artifact_names_are_matched_like_the_estimator_matches_them() -> None:
    gpt = CAT.models["openai/gpt-oss-20b"]
    odd = [a.model_copy(update={"quantization": name})
           for a, name in zip(gpt.artifacts * 3, ("q4_k_m", "Q4-K-M", "GGUF-Q4"), strict=False)]
    model = gpt.model_copy(update={"artifacts": tuple(odd)})
    assert candidate_quants(model) == ["MXFP4", "Q4_K_M"]  # an unknown label cannot be ranked
    catalog = replace(CAT, models={**CAT.models, model.id: model})
    ranking = rank(catalog, Constraints(hardware=HW), today=TODAY)
    assert any(s.model.id == model.id for s in ranking.scored)


def test_a_catalog_of_models_that_cannot_be_sized_still_ranks() -> None:
    unsized = {m.id: m for m in CAT.models.values() if m.architecture is None and not m.retired}
    assert unsized
    result = recommend(replace(CAT, models=unsized), Constraints(hardware=HW), today=TODAY)
    assert len(result.recommendations) + len(result.excluded) == len(unsized)
    assert all(e.reasons for e in result.excluded)


def test_a_model_asked_for_twice_is_ranked_once() -> None:
    m = CAT.models["anthropic/claude-sonnet-4.6"]
    ranking = rank(CAT, Constraints(), today=TODAY, models=[m, m])
    assert [s.model.id for s in ranking.scored] + [r.model.id for r in ranking.rejected] == [m.id]


def test_an_absurd_kv_cache_does_not_overflow_into_a_fit() -> None:
    base = CAT.models["meta-llama/llama-3.1-70b-instruct"]
    assert base.architecture is not None
    arch = base.architecture.model_copy(update={"kv_heads": 2_000_000, "head_dim": 2_000_000})
    model = base.model_copy(update={"architecture": arch, "artifacts": ()})
    one = size(model, HW, "Q4_K_M", 10_000_000, settings=EstimateSettings())
    cols = size_columns(FootprintColumns.of([footprint(model)], [False]), HW,
                        np.array([one.weights]), 10_000_000, 2.0, EstimateSettings())
    assert one.placement == "does_not_fit"
    assert PLACEMENTS[cols.placement[0]] == "does_not_fit"
    assert cols.kv[0] > 0


def test_overlapping_collector_pauses_switch_it_back_on_once_all_are_done() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with no_gc(freeze=False):
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with no_gc(freeze=False):
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other pause is still running
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_native_mxfp4_model_is_planned_at_mxfp4_not_at_an_unpublished_requantization() -> None:
    """gpt-oss ships MXFP4; its Q5_K_M/Q4_K_M alternatives are files of its own ladder only when
    published (an unpublished 'Q5_K_M' has no artifact, and the estimator would not offer it)."""
    gpt = CAT.models["openai/gpt-oss-20b"]
    only_native = gpt.model_copy(update={"artifacts": tuple(a for a in gpt.artifacts
                                                             if a.quantization == "MXFP4")})
    catalog = replace(CAT, models={only_native.id: only_native})
    result = recommend(catalog, Constraints(hardware=HW), today=TODAY)
    rec = result.recommendations[0]
    assert rec.deployment.quantization == "MXFP4"
    assert {a.quantization for a in rec.alternatives if a.mode == "local"} <= {"MXFP4"}
