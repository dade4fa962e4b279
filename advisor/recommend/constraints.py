"""What the user asks for: the constraints the recommender turns into hard filters and weights,
the score's factors and the profiles that weight them. Saving and loading them as a scenario file is
scenario.py's work."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Frozen, Modality
from advisor.estimate.capacity import DEFAULT_HOURS_PER_MONTH
from advisor.estimate.electricity import PRICES as ELECTRICITY_PRICES
from advisor.hardware.profile import HardwareProfile


class Deployment(StrEnum):
    """Where the model may run."""

    LOCAL = "local"
    API = "api"
    ANY = "any"
    RENTED = "rented"  # GPUs rented by the hour in a cloud region, run like local hardware


class LicensePolicy(StrEnum):
    """Which licence classes are acceptable."""

    PERMISSIVE = "permissive"
    OPEN_WEIGHTS = "open-weights"  # permissive or open weights with conditions
    ANY = "any"  # including proprietary APIs and research-only


class Profile(StrEnum):
    """Preset weightings of the score's factors."""

    BALANCED = "balanced"
    CHEAPEST = "cheapest"
    FASTEST = "fastest"
    QUALITY = "quality"
    OPEN = "open"


class Factor(StrEnum):
    """The score's factors; each is 0-1 and weighted by the profile or the user."""

    QUALITY = "quality"
    COST = "cost"
    SPEED = "speed"
    FIT = "fit"
    CONTEXT = "context"
    LANGUAGE = "language"
    LICENSE = "license"
    MATURITY = "maturity"


FACTOR_LABELS: dict[Factor, str] = {
    Factor.QUALITY: "Task quality", Factor.COST: "Cost vs budget", Factor.SPEED: "Speed",
    Factor.FIT: "Memory headroom", Factor.CONTEXT: "Context headroom", Factor.LANGUAGE: "Languages",
    Factor.LICENSE: "Licence openness", Factor.MATURITY: "Maturity",
}
"""How each factor is named to people (window, reports)."""

PROFILE_WEIGHTS: dict[Profile, dict[Factor, float]] = {
    Profile.BALANCED: {Factor.QUALITY: 45, Factor.COST: 15, Factor.SPEED: 10, Factor.FIT: 5,
                       Factor.CONTEXT: 5, Factor.LANGUAGE: 10, Factor.LICENSE: 5, Factor.MATURITY: 5},
    Profile.CHEAPEST: {Factor.QUALITY: 25, Factor.COST: 45, Factor.SPEED: 5, Factor.FIT: 5,
                       Factor.CONTEXT: 5, Factor.LANGUAGE: 8, Factor.LICENSE: 2, Factor.MATURITY: 5},
    Profile.FASTEST: {Factor.QUALITY: 25, Factor.COST: 10, Factor.SPEED: 40, Factor.FIT: 5,
                      Factor.CONTEXT: 5, Factor.LANGUAGE: 8, Factor.LICENSE: 2, Factor.MATURITY: 5},
    Profile.QUALITY: {Factor.QUALITY: 70, Factor.COST: 5, Factor.SPEED: 5, Factor.FIT: 3,
                      Factor.CONTEXT: 5, Factor.LANGUAGE: 7, Factor.LICENSE: 0, Factor.MATURITY: 5},
    Profile.OPEN: {Factor.QUALITY: 35, Factor.COST: 10, Factor.SPEED: 5, Factor.FIT: 5,
                   Factor.CONTEXT: 5, Factor.LANGUAGE: 8, Factor.LICENSE: 30, Factor.MATURITY: 2},
}


class LanguageNeed(Frozen):
    """A language the user needs, and whether it is a must."""

    code: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code, lower case.")
    required: bool = Field(
        default=True, description="Must-have (a hard filter) or nice-to-have (a score factor)."
    )


DEFAULT_TASKS: dict[Task, float] = {Task.CHAT: 1.0, Task.KNOWLEDGE: 1.0, Task.REASONING: 1.0}
THINKING_TASKS = frozenset({Task.REASONING})
"""Tasks for which a hybrid model runs with thinking on; for the others (chat, translation,
classification-like knowledge work) it answers directly, which is cheaper and faster."""
BATCH_LIKE_TASKS = frozenset({Task.TRANSLATION, Task.LONG_CONTEXT})
"""Tasks often run unattended over documents; every other task is read as it is written."""
DEFAULT_USABLE_TOKENS_PER_S = 5.0
"""Below this an answer arrives more slowly than people read (about 4-5 words/s), so an
interactive plan this slow is ranked after every usable one unless the user sets another floor."""


class Constraints(Frozen):
    """Everything the user states; the recommender turns it into filters and weights."""

    hardware: HardwareProfile | None = Field(
        default=None,
        description="The machine a local model would run on; None means no local hardware "
        "(hosted APIs only).",
    )
    deployment: Deployment = Field(
        default=Deployment.ANY, description="Local only, hosted API only, or either."
    )
    data_must_stay_local: bool = Field(
        default=False, description="Data may not leave your hardware: rules out every hosted API."
    )
    allowed_regions: tuple[str, ...] = Field(
        default=(),
        description="Regions a hosted API may process data in (ISO codes, 'EU', 'US'); empty = any.",
    )
    no_training_on_data: bool = Field(
        default=False,
        description="A hosted provider must not train on your data (by its stated terms).",
    )
    budget_usd_month: float | None = Field(
        default=None, ge=0, le=1e9, description="Most you will spend per month in USD; None = no limit."
    )
    tokens_per_month: int = Field(
        default=10_000_000, ge=0, le=10**15, description="Tokens processed per month (input + output)."
    )
    output_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Share of the monthly tokens that are output; 0.25 is a 3:1 input:output split.",
    )
    reasoning_overhead: float | None = Field(
        default=None,
        ge=0,
        description="Extra thinking tokens of reasoning models, as a multiple of output tokens "
        "(1.0 = as many thinking tokens as answer tokens); None = the estimator's default.",
    )
    languages: tuple[LanguageNeed, ...] = Field(
        default=(), description="Languages needed, each must-have or nice-to-have."
    )
    license_policy: LicensePolicy = Field(
        default=LicensePolicy.ANY,
        description="permissive only; open weights incl. conditional licences; or anything.",
    )
    allow_licenses: tuple[str, ...] = Field(
        default=(), description="Licence ids always acceptable, whatever the policy."
    )
    deny_licenses: tuple[str, ...] = Field(
        default=(), description="Licence ids never acceptable."
    )
    commercial_use_required: bool = Field(
        default=False, description="The licence must allow commercial use."
    )
    tasks: dict[Task, float] = Field(
        default_factory=lambda: dict(DEFAULT_TASKS),
        description="Tasks with relative weights; quality is judged from evidence for these.",
    )
    min_context_tokens: int = Field(
        default=8192,
        ge=512,
        le=10_000_000,
        description="Context the model must handle; local memory is estimated at this context.",
    )
    min_tokens_per_s: float | None = Field(
        default=None, ge=0,
        description="Slowest acceptable generation speed in tokens/s as measured: a local model's "
        "estimate, or a hosted offering's published output speed (one without a published speed is "
        "kept); thinking tokens included, the answer speed is scored, not filtered.",
    )
    min_usable_tokens_per_s: float | None = Field(
        default=None, ge=0,
        description="Usability floor: plans whose answer speed (tokens/s, thinking counted) is "
        "below it rank after every faster plan, with a sentence saying why. None = "
        f"{DEFAULT_USABLE_TOKENS_PER_S:g} tokens/s when an interactive task is weighted and "
        "batch is off, else no floor; 0 = no floor.",
    )
    cached_input_share: float = Field(
        default=0.0, ge=0, le=1,
        description="Share of input tokens billed at the provider's cached-input price (repeated "
        "system prompts, agent context, RAG documents); 0 = no caching.",
    )
    batch: bool = Field(
        default=False,
        description="Use the provider's batch price where it has one (answers within hours, not "
        "live); providers without one bill the normal price.",
    )
    documented_only: bool = Field(
        default=False,
        description="Exclude hosted offerings whose terms do not state what a rule asks for "
        "(region, training, commercial use) and models whose must-have languages are not "
        "documented; by default those are kept with a warning.",
    )
    exclude_vendors: tuple[str, ...] = Field(
        default=(), description="Vendors whose models are ruled out (case-insensitive)."
    )
    exclude_countries: tuple[str, ...] = Field(
        default=(), description="Vendor countries ruled out (ISO 3166 alpha-2)."
    )
    required_modalities: tuple[Modality, ...] = Field(
        default=(), description="Input modalities the model must accept (image, audio...)."
    )
    profile: Profile = Field(
        default=Profile.BALANCED, description="Preset weighting of the score's factors."
    )
    weights: dict[Factor, float] | None = Field(
        default=None, description="Your own factor weights; overrides the profile when given."
    )
    top_n: int = Field(default=10, ge=1, le=1000, description="How many ranked models to show.")
    kv_cache_type: Literal["f16", "q8_0", "q4_0"] = Field(
        default="f16",
        description="KV cache type of local plans (llama.cpp -ctk/-ctv): q8_0 halves the cache at a "
        "small quality cost, q4_0 quarters it.",
    )
    concurrency: int = Field(
        default=1, ge=1, le=4096,
        description="Simultaneous users or requests a local or rented plan serves: KV cache for each, "
        "per-stream speed and aggregate throughput under continuous batching.",
    )
    hours_per_month: float = Field(
        default=DEFAULT_HOURS_PER_MONTH, gt=0, le=744,
        description="Hours a month the machine may serve (730 = around the clock); a rented one is "
        "paid for these hours.",
    )
    max_machines: int = Field(
        default=1, ge=1, le=1000,
        description="Most machines (or rented instances) of the described hardware you would run; a "
        "plan that needs more to serve the volume is excluded.",
    )
    electricity_usd_kwh: float | None = Field(
        default=None, ge=0, le=10,
        description="Electricity price in USD/kWh; None = the default (U.S. residential average, EIA).",
    )
    electricity_region: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{2}$",
        description="Where the machine runs (ISO country code or EU), for the sourced average "
        "electricity price there; --electricity-usd-kwh overrides it.",
    )
    amortize_months: int | None = Field(
        default=None, ge=1, le=240,
        description="Write the hardware's price off over this many months; None = off (you own it).",
    )
    sensitive_share: float = Field(
        default=0.0, ge=0, le=1,
        description="Share of the tokens that must stay on your hardware (or rented machines in your "
        "regions); the rest may go to a hosted API. Above 0, hosted-only plans are out and a local "
        "plan is paired with an API for the rest.",
    )

    @field_validator("tasks")
    @classmethod
    def _tasks_positive(cls, value: dict[Task, float]) -> dict[Task, float]:
        if any(w < 0 for w in value.values()):
            raise ValueError("task weights cannot be negative")
        return value

    @field_validator("exclude_countries", "allowed_regions")
    @classmethod
    def _upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.upper() for v in value)

    @field_validator("electricity_region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        if value is None:
            return None
        region = value.upper()
        known = sorted({r for r, _kind in ELECTRICITY_PRICES})
        if region not in known:
            raise ValueError(f"no sourced electricity price for '{value}'; known: {', '.join(known)} "
                             "(or give --electricity-usd-kwh)")
        return region

    def factor_weights(self) -> dict[Factor, float]:
        """The weights in force: the user's, or the profile's."""
        if self.weights:
            return {f: float(self.weights.get(f, 0.0)) for f in Factor}
        return dict(PROFILE_WEIGHTS[self.profile])

    @property
    def local_allowed(self) -> bool:
        """Whether running a model on the user's (or rented) hardware is allowed and possible."""
        return (self.deployment is not Deployment.API and self.hardware is not None
                and not self.hardware.api_only)

    @property
    def rented(self) -> bool:
        """Whether the hardware is rented by the hour rather than owned."""
        return self.deployment is Deployment.RENTED

    @property
    def usable_floor_tokens_per_s(self) -> float:
        """The usability floor in force (0 = none)."""
        if self.min_usable_tokens_per_s is not None:
            return self.min_usable_tokens_per_s
        weighted = {t for t, w in self.tasks.items() if w > 0}
        interactive = bool(weighted - BATCH_LIKE_TASKS) or not weighted
        return DEFAULT_USABLE_TOKENS_PER_S if interactive and not self.batch else 0.0

    @property
    def thinking_wanted(self) -> bool:
        """Whether the tasks call for a hybrid model's thinking mode."""
        return any(self.tasks.get(t, 0.0) > 0 for t in THINKING_TASKS)

    @property
    def api_allowed(self) -> bool:
        """Whether hosted APIs are allowed (as single plans; a sensitive share needs a pair)."""
        return (self.deployment in (Deployment.API, Deployment.ANY) and not self.data_must_stay_local
                and self.sensitive_share == 0)

    @property
    def api_possible(self) -> bool:
        """Whether a hosted API may take any of the tokens (alone, or as half of a pair)."""
        return self.api_allowed or self.hybrid_wanted

    @property
    def hybrid_wanted(self) -> bool:
        """Whether a local plan for the sensitive share paired with an API for the rest is asked for."""
        return (0 < self.sensitive_share < 1 and self.deployment in (Deployment.ANY, Deployment.RENTED)
                and not self.data_must_stay_local)


__all__ = [
    "FACTOR_LABELS",
    "PROFILE_WEIGHTS",
    "Constraints",
    "Deployment",
    "Factor",
    "LanguageNeed",
    "LicensePolicy",
    "Profile",
]
