"""From the constraints to how machines serve: cost settings with the user's overrides, and, for
rented hardware, the cheapest public rental price of the described GPU in an allowed region."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.catalog.schema import HardwarePreset, RentalPrice
from advisor.estimate.capacity import Serving
from advisor.estimate.cost import CostSettings
from advisor.estimate.electricity import price_for
from advisor.estimate.physics import default_backend, device_class
from advisor.hardware.profile import HardwareProfile
from advisor.recommend.constraints import Constraints

EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})
"""The 27 EU member states (ISO 3166-1 alpha-2; Greece is GR here, EL in EU documents),
https://european-union.europa.eu/principles-countries-history/eu-countries_en."""


def team_backend(hw: HardwareProfile | None, concurrency: int) -> str | None:
    """The runtime a plan for several streams is served with on NVIDIA or AMD datacenter GPUs: vLLM
    (tensor parallel over the GPUs, continuous batching, sampling on the GPU), the way such machines
    are run for a team; None elsewhere (llama.cpp, the estimator's default)."""
    if hw is None or concurrency < 2 or device_class(hw) != "datacenter":
        return None
    return "vllm" if default_backend(hw) in ("cuda", "rocm") else None


def region_allowed(country: str, allowed: tuple[str, ...]) -> bool:
    """Whether a machine in `country` is in one of the allowed regions (any, when none are given)."""
    if not allowed:
        return True
    return country in allowed or ("EU" in allowed and country in EU_MEMBERS)


@dataclass(frozen=True)
class RentalChoice:
    """The rental price a rented plan is costed at, or why there is none."""

    price: RentalPrice | None
    gpus: int
    problem: str = ""

    @property
    def usd_per_hour(self) -> float | None:
        """One machine (all its GPUs) per hour."""
        return None if self.price is None else self.price.usd_per_gpu_hour * self.gpus

    @property
    def label(self) -> str:
        """Provider, instance and region, for notes."""
        if self.price is None:
            return ""
        p = self.price
        inst = f" {p.instance}" if p.instance else ""
        return (f"{p.provider}{inst}, {p.region} ({p.country}), {self.gpus} GPU x "
                f"${p.usd_per_gpu_hour:g}/h, as of {p.as_of.isoformat()}")


def choose_rental(presets: dict[str, HardwarePreset], c: Constraints) -> RentalChoice:
    """The cheapest on-demand price of the constraint's GPU in an allowed region."""
    hw = c.hardware
    if hw is None or hw.gpu is None or hw.gpu.preset_id is None:
        return RentalChoice(None, 0, "renting needs a GPU preset (--hardware PRESET_ID) to price")
    preset = presets.get(hw.gpu.preset_id)
    gpus = 1 if hw.unified_memory else hw.gpu.count
    if preset is None or not preset.rental:
        return RentalChoice(None, gpus, f"the catalog has no rental price for {hw.gpu.name}")
    offers = [r for r in preset.rental if region_allowed(r.country, c.allowed_regions)]
    if not offers:
        where = ", ".join(sorted({f"{r.provider} {r.region} ({r.country})" for r in preset.rental}))
        return RentalChoice(None, gpus, f"no rental price for {hw.gpu.name} in "
                                        f"{', '.join(c.allowed_regions)}; the catalog has {where}")
    best = min(offers, key=lambda r: (r.usd_per_gpu_hour, r.provider, r.region))
    return RentalChoice(best, gpus)


def cost_settings_for(base: CostSettings, c: Constraints) -> CostSettings:
    """The cost defaults with the user's electricity price and write-off period laid over them."""
    update: dict[str, object] = {}
    if c.electricity_usd_kwh is not None:
        update["power_price_usd_per_kwh"] = c.electricity_usd_kwh
    elif c.electricity_region:
        update["power_price_usd_per_kwh"] = price_for(c.electricity_region).usd_per_kwh
    if c.amortize_months is not None:
        update["count_hardware_purchase"] = True
        update["amortization_months"] = c.amortize_months
    return base.model_copy(update=update) if update else base


def serving_for(c: Constraints, rental: RentalChoice | None) -> Serving:
    """How the machines serve under the constraints (rented at the chosen price, when rented)."""
    rate = rental.usd_per_hour if (c.rented and rental is not None) else None
    return Serving(concurrency=c.concurrency, hours_per_month=c.hours_per_month,
                   max_machines=c.max_machines, rent_usd_per_hour=rate,
                   rent_label=rental.label if rental is not None else "")


__all__ = ["EU_MEMBERS", "RentalChoice", "choose_rental", "cost_settings_for", "region_allowed",
           "serving_for"]
