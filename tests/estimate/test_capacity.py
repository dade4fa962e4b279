"""Busy hours, machines and the monthly cost of ownership, checked against arithmetic by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.estimate.capacity import Serving, cost_breakdown, self_host, self_host_notes
from advisor.estimate.cost import CostSettings, Usage
from advisor.hardware.profile import Accelerator, HardwareProfile

GPU = HardwareProfile(name="Test GPU", gpu=Accelerator(name="Test GPU", memory_gb=24, bandwidth_gbs=1000),
                      power_watts=400, idle_power_watts=20, price_usd=2000)
PRICE = CostSettings(power_price_usd_per_kwh=0.25)


def test_busy_hours_machines_and_electricity_by_hand() -> None:
    usage = Usage(tokens_per_month=2_000_000_000, output_share=0.25)
    # 500M output tokens at 100 tokens/s = 1,388.9 h; 1.5B prompt tokens at 5,000 tokens/s = 83.3 h.
    served = self_host(100.0, 5000.0, usage, GPU, PRICE, Serving(max_machines=1))
    assert served.generate_hours == pytest.approx(500e6 / 100 / 3600)
    assert served.prompt_hours == pytest.approx(1.5e9 / 5000 / 3600)
    busy = served.generate_hours + served.prompt_hours
    assert served.busy_hours == pytest.approx(busy)
    assert served.machines == 3  # 1,472 h of work in 730 h per machine
    assert not served.capacity_ok
    # Electricity: busy hours at 400 W, the other 3 x 730 - busy hours at 20 W idle, at $0.25/kWh.
    expected = (busy * 400 + (3 * 730 - busy) * 20) / 1000 * 0.25
    assert served.electricity == pytest.approx(expected)
    assert served.hardware == 0
    assert served.rent == 0
    assert served.known


def test_more_machines_allowed_pass_and_the_write_off_counts_each() -> None:
    usage = Usage(tokens_per_month=2_000_000_000, output_share=0.25)
    settings = PRICE.model_copy(update={"count_hardware_purchase": True, "amortization_months": 24})
    # 500M output tokens at 70 tokens/s = 1,984 h: three machines of 730 h.
    served = self_host(70.0, math.nan, usage, GPU, settings, Serving(max_machines=5))
    assert served.capacity_ok
    assert served.machines == 3
    assert served.prompt_hours == 0  # unknown prompt speed: not counted (and the notes say so)
    assert served.hardware == pytest.approx(3 * 2000 / 24)
    notes = self_host_notes(served, GPU, settings, Serving(max_machines=5), usage)
    assert any("needs 3 machines" in n for n in notes)
    assert any("prompt processing not counted" in n for n in notes)
    assert any("$2,000 x 3 over 24 months" in n for n in notes)


def test_rented_machines_pay_rent_for_the_hours_they_serve_not_electricity() -> None:
    usage = Usage(tokens_per_month=100_000_000, output_share=0.25)
    serving = Serving(hours_per_month=200, rent_usd_per_hour=4.0, rent_label="test cloud")
    served = self_host(50.0, math.nan, usage, GPU, PRICE, serving)
    # 25M output tokens at 50 tokens/s = 138.9 h: one machine, paid for its 200 h.
    assert served.machines == 1
    assert served.rent == pytest.approx(200 * 4.0)
    assert served.electricity == 0
    assert served.hardware == 0
    assert cost_breakdown(served, rented=True) == {"electricity": 0.0, "hardware": 0.0, "rent": 800.0}


def test_unknown_power_or_price_is_unknown_not_free() -> None:
    usage = Usage(tokens_per_month=10_000_000)
    no_power = GPU.model_copy(update={"power_watts": None})
    served = self_host(50.0, math.nan, usage, no_power, PRICE, Serving())
    assert not served.known
    assert cost_breakdown(served, rented=False)["electricity"] is None
    no_price = GPU.model_copy(update={"price_usd": None})
    asked = PRICE.model_copy(update={"count_hardware_purchase": True})
    assert not self_host(50.0, math.nan, usage, no_price, asked, Serving()).known
    assert not self_host(math.nan, math.nan, usage, GPU, PRICE, Serving()).speed_known


def test_arrays_give_the_same_figures_as_floats() -> None:
    usage = Usage(tokens_per_month=500_000_000, output_share=0.3, reasoning_overhead=2.0)
    speeds = np.array([20.0, 80.0, 400.0, np.nan])
    prefill = np.array([np.nan, 2000.0, 20000.0, 100.0])
    thinks = np.array([True, False, True, False])
    many = self_host(speeds, prefill, usage, GPU, PRICE, Serving(max_machines=2), thinks)
    for i in range(4):
        one = self_host(float(speeds[i]), float(prefill[i]), usage, GPU, PRICE, Serving(max_machines=2),
                        bool(thinks[i]))
        assert float(np.asarray(many.total)[i]) == pytest.approx(float(one.total))
        assert float(np.asarray(many.machines)[i]) == one.machines
        assert bool(np.asarray(many.capacity_ok)[i]) == one.capacity_ok
    # Thinking tokens are generated too: 3x the answer tokens for a thinking plan.
    assert np.asarray(many.generate_hours)[0] == pytest.approx(150e6 * 3 / 20 / 3600)
