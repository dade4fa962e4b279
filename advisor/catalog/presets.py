"""The catalog's hardware types: a preset people run models on, and its public rental prices.

Kept apart from the model types in `schema.py` (which re-exports them); units are in field names as
there: memory in GB as sold (GiB box sizes), bandwidth in GB/s, power in watts, prices in USD.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from advisor.catalog.sources import (
    MAX_BANDWIDTH_GBS,
    MAX_MEMORY_GB,
    Frozen,
    Sourced,
    SourceText,
)

_COUNTRY_PATTERN = r"^[A-Z]{2}$"


class HardwareKind(StrEnum):
    """What sort of device a hardware preset describes."""

    GPU = "gpu"
    APU = "apu"
    APPLE_SOC = "apple_soc"
    CPU = "cpu"


class RentalPrice(Frozen):
    """An hourly price for renting one GPU from a cloud or GPU host, in a region."""

    provider: str = Field(min_length=1, max_length=80, description="Who rents it (aws, runpod, lambda...).")
    instance: str | None = Field(default=None, max_length=120,
                                 description="Instance or SKU name (p5.48xlarge, 1x H100 SXM).")
    region: str = Field(min_length=1, max_length=80,
                        description="Provider's region name (us-east-1, eu-central-1, 'any US').")
    country: str = Field(pattern=_COUNTRY_PATTERN, description="ISO 3166-1 country the region is in.")
    usd_per_gpu_hour: float = Field(gt=0, le=10_000, description="On-demand price per GPU-hour in USD "
                                    "(instance price divided by its GPU count).")
    gpus_per_instance: int = Field(default=1, ge=1, le=64,
                                   description="GPUs in the smallest instance sold at this price.")
    source: SourceText = Field(description="Price page (URL) the figure was read from.")
    as_of: date = Field(description="Date the price was read.")


class HardwarePreset(Sourced):
    """A device people run models on: how much memory, how fast it is read, how much compute."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80, description="Lower-case slug."
    )
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    kind: HardwareKind = Field(description="gpu, apu (AMD/Intel shared memory), apple_soc, cpu.")
    vendor: str = Field(min_length=1, max_length=80, description="nvidia, amd, apple, intel...")
    memory_gb: float = Field(gt=0, le=MAX_MEMORY_GB,
                             description="Device memory (VRAM, unified or system RAM).")
    bandwidth_gbs: float = Field(gt=0, le=MAX_BANDWIDTH_GBS, description="Peak memory bandwidth in GB/s.")
    fp16_tflops: float | None = Field(
        default=None, gt=0, le=1_000_000, description="Dense FP16 throughput in TFLOPS (tensor cores if any)."
    )
    unified_memory: bool = Field(
        default=False, description="CPU and GPU share one memory pool (Apple, AMD APUs)."
    )
    usable_memory_share: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of unified memory the GPU may use by default (e.g. Metal's limit).",
    )
    power_watts: float | None = Field(
        default=None, gt=0, le=1_000_000,
        description="Power under load in watts, for running cost: board power "
        "(TBP/TGP/TDP) of one GPU, or the whole system's for Apple, APU, CPU and DGX boxes."
    )
    idle_power_watts: float | None = Field(
        default=None, ge=0, le=1_000_000,
        description="Power when idle in watts (same scope as power_watts), for "
        "the hours a machine that is kept on does nothing."
    )
    power_source: SourceText | None = Field(
        default=None, description="Where the power figures come from (None: the preset's source)."
    )
    price_usd: float | None = Field(
        default=None, gt=0, description="Purchase price in USD of one device (or one system), for "
        "write-off cost."
    )
    price_kind: Literal["list", "street", "launch"] | None = Field(
        default=None, description="list (maker's price today), street (a retailer's price on "
        "price_as_of) or launch (maker's launch price)."
    )
    price_source: SourceText | None = Field(
        default=None, description="Where the price was read."
    )
    price_as_of: date | None = Field(default=None, description="Date the price was read.")
    rental: tuple[RentalPrice, ...] = Field(
        default=(), description="Public on-demand prices for renting this GPU in a cloud region."
    )
    notes: tuple[str, ...] = Field(default=(), description="Caveats (variants, measured vs spec).")

    @model_validator(mode="after")
    def _price_sourced(self) -> HardwarePreset:
        if self.price_usd is not None and (self.price_source is None or self.price_as_of is None):
            raise ValueError("a price needs price_source and price_as_of")
        return self


__all__ = ["HardwareKind", "HardwarePreset", "RentalPrice"]
