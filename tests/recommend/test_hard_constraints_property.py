"""Property: every recommendation satisfies every hard constraint, for random constraint sets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import LicenseClass, Model, Offering, SupportLevel
from advisor.catalog.store import Catalog, load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import (
    Constraints,
    Deployment,
    LanguageNeed,
    LicensePolicy,
    Profile,
)
from advisor.recommend.engine import recommend
from advisor.recommend.result import DeploymentPlan, Recommendation


def _varied(cat: Catalog) -> Catalog:
    """The bundled catalog with the facts the new rules read varied deterministically (test inputs,
    not catalog facts): every other reasoning model hybrid, and per offering a published speed,
    batch prices and commercial terms stated as yes, no or not at all."""
    models: dict[str, Model] = {}
    reasoning = 0
    n = 0
    for mid, m in sorted(cat.models.items()):
        caps = m.capabilities
        if caps.reasoning:
            reasoning += 1
            if reasoning % 2:
                caps = caps.model_copy(update={"thinking": "hybrid"})
        offerings = []
        for o in m.offerings:
            n += 1
            update: dict[str, object] = {"commercial_use": (None, True, False)[n % 3]}
            if n % 3 == 0:
                update |= {"output_tokens_per_s": 10.0 + 7 * (n % 20), "speed_source": "test input",
                           "price_batch_input_usd_per_mtok": o.price_input_usd_per_mtok / 2,
                           "price_batch_output_usd_per_mtok": o.price_output_usd_per_mtok / 2}
            offerings.append(o.model_copy(update=update))
        models[mid] = m.model_copy(update={"capabilities": caps, "offerings": tuple(offerings)})
    return replace(cat, models=models)


CATALOG: Catalog = _varied(load_bundled())
PRESETS = sorted(CATALOG.hardware)
LICENSES = sorted(CATALOG.licenses)
COUNTRIES = sorted({m.vendor_country for m in CATALOG.models.values() if m.vendor_country})
VENDORS = sorted({m.vendor for m in CATALOG.models.values()})


@st.composite
def constraints(draw: st.DrawFn) -> Constraints:
    hardware = None
    with_hardware: bool = draw(st.booleans())
    if PRESETS and with_hardware:
        preset = CATALOG.hardware[draw(st.sampled_from(PRESETS))]
        hardware = profile_from_preset(preset, gpu_count=draw(st.integers(1, 4)))
    langs: list[str] = draw(st.lists(st.sampled_from(["en", "zh", "de", "fr", "ja", "vi", "ar", "es"]),
                                     max_size=3, unique=True))
    return Constraints(
        hardware=hardware,
        deployment=draw(st.sampled_from(list(Deployment))),
        data_must_stay_local=draw(st.booleans()),
        no_training_on_data=draw(st.booleans()),
        allowed_regions=tuple(draw(st.lists(st.sampled_from(["US", "EU", "global"]), max_size=1))),
        documented_only=draw(st.booleans()),
        cached_input_share=draw(st.sampled_from([0.0, 0.5, 0.9])),
        batch=draw(st.booleans()),
        budget_usd_month=draw(st.one_of(st.none(), st.floats(0, 2000))),
        tokens_per_month=draw(st.integers(0, 500_000_000)),
        output_share=draw(st.floats(0.05, 0.9)),
        languages=tuple(LanguageNeed(code=code, required=bool(draw(st.booleans()))) for code in langs),
        license_policy=draw(st.sampled_from(list(LicensePolicy))),
        deny_licenses=tuple(draw(st.lists(st.sampled_from(LICENSES), max_size=2))) if LICENSES else (),
        commercial_use_required=draw(st.booleans()),
        tasks={t: draw(st.floats(0.1, 3)) for t in draw(st.lists(st.sampled_from(list(Task)),
                                                                  min_size=1, max_size=3))},
        min_context_tokens=draw(st.sampled_from([4096, 8192, 32768, 131072, 1_000_000])),
        min_tokens_per_s=draw(st.one_of(st.none(), st.floats(1, 80))),
        exclude_countries=tuple(draw(st.lists(st.sampled_from(COUNTRIES), max_size=1))),
        exclude_vendors=tuple(draw(st.lists(st.sampled_from(VENDORS), max_size=1))),
        required_modalities=tuple(draw(st.lists(st.sampled_from(["image", "audio"]), max_size=1))),
        profile=draw(st.sampled_from(list(Profile))),
    )


def _api_terms_hold(m: Model, dep: DeploymentPlan, c: Constraints) -> Offering:
    """Hosted use is governed by the provider's terms; a rule fails only on what they state."""
    offering = next(o for o in m.offerings if o.provider == dep.provider
                    and o.provider_model_id == dep.provider_model_id)
    if c.no_training_on_data:
        assert offering.trains_on_data is not True
        if c.documented_only:
            assert offering.trains_on_data is False
    if c.commercial_use_required:
        assert offering.commercial_use is not False
        if c.documented_only:
            assert offering.commercial_use is True
    if c.allowed_regions:
        assert not offering.regions or set(offering.regions) & set(c.allowed_regions)
        if c.documented_only:
            assert offering.regions
    if c.min_tokens_per_s and offering.output_tokens_per_s is not None:
        assert offering.output_tokens_per_s >= c.min_tokens_per_s
    return offering


def _plans(rec: Recommendation) -> list[tuple[str, DeploymentPlan]]:
    """The plans a recommendation runs on: its own, or each part of a hybrid (local part and API
    part, each with its own model), every one of which must meet the hard constraints."""
    dep = rec.deployment
    if dep.mode == "hybrid":
        assert dep.parts
        return [(part.model_id or rec.model_id, part) for part in dep.parts]
    return [(rec.model_id, dep)]


@pytest.mark.slow  # a property test over 40 generated constraint sets
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constraints())
def test_every_recommendation_meets_every_hard_constraint(c: Constraints) -> None:
    result = recommend(CATALOG, c, with_counterfactuals=False)
    for model_id, dep in (plan for rec in result.recommendations for plan in _plans(rec)):
        m = CATALOG.models[model_id]
        lic = CATALOG.licenses[m.license]
        assert m.license not in c.deny_licenses
        if c.license_policy is LicensePolicy.PERMISSIVE:
            assert lic.license_class is LicenseClass.PERMISSIVE or m.license in c.allow_licenses
        if c.license_policy is not LicensePolicy.ANY:
            assert m.open_weights
        levels = {lang.code: lang.level for lang in m.languages}
        for need in (n for n in c.languages if n.required):
            # Only a documented "not supported" excludes; documented-only also needs an entry
            # (English, which every general-purpose model has, excepted).
            assert levels.get(need.code) is not SupportLevel.UNSUPPORTED
            if c.documented_only and need.code != "en":
                assert need.code in levels
        assert all(mod in m.input_modalities for mod in c.required_modalities)
        assert m.vendor_country not in c.exclude_countries
        assert m.vendor not in c.exclude_vendors
        if dep.mode == "api":
            assert c.deployment is not Deployment.LOCAL
            assert not c.data_must_stay_local
            if c.budget_usd_month is not None:
                assert dep.monthly_cost_usd <= c.budget_usd_month + 1e-6
            offering = _api_terms_hold(m, dep, c)
            ctx = offering.context_window_tokens or m.context_window_tokens
            assert ctx is None or ctx >= c.min_context_tokens
        else:
            assert c.deployment is not Deployment.API
            assert c.hardware is not None
            assert dep.placement in {"gpu", "gpu+cpu", "cpu"}
            assert dep.memory_gb is not None
            assert dep.available_gb is not None
            if c.commercial_use_required:  # self-hosting: the weights licence governs
                assert lic.commercial_use
            if c.min_tokens_per_s:
                assert (dep.decode_tokens_per_s or 0) >= c.min_tokens_per_s
            assert m.context_window_tokens is None or m.context_window_tokens >= c.min_context_tokens
