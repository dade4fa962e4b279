"""Electricity prices: every price is sourced and dated, conversions use the sourced rates, and an
unknown region falls back to the U.S. residential default."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from advisor.estimate import electricity
from advisor.estimate.cost import EIA_RESIDENTIAL_USD_PER_KWH
from advisor.estimate.electricity import DEFAULT, PRICES, price_for

_REGION = re.compile(r"^(EU|[A-Z]{2})$")
_PERIOD = re.compile(r"^\d{4}(-S[12]|-\d{2}(/\d{4}-\d{2})?)$")


@pytest.mark.parametrize("price", list(PRICES.values()), ids=lambda p: f"{p.region}-{p.kind}")
def test_every_price_is_sourced_dated_and_plausible(price: electricity.ElectricityPrice) -> None:
    assert _REGION.match(price.region)
    assert price.kind in ("residential", "commercial", "non-household")
    assert price.source.startswith("http")
    assert _PERIOD.match(price.as_of), price.as_of
    assert 0.03 < price.usd_per_kwh < 1.0
    assert PRICES[(price.region, price.kind)] is price


def test_default_is_the_estimators_us_residential_price() -> None:
    assert (DEFAULT.region, DEFAULT.kind) == ("US", "residential")
    assert DEFAULT.usd_per_kwh == EIA_RESIDENTIAL_USD_PER_KWH
    assert "eia.gov" in DEFAULT.source


def test_converted_prices_name_their_rate_and_match_it() -> None:
    eu = price_for("EU")
    assert "1.0411" in eu.note
    assert "ECB" in eu.note
    assert eu.usd_per_kwh == pytest.approx(0.2872 * electricity.EUR_USD, abs=1e-5)
    gb = price_for("GB")
    assert "USD/GBP" in gb.note
    assert gb.usd_per_kwh == pytest.approx(0.2236 * 1.0705 / 0.84638, abs=1e-5)


def test_lookup_is_case_insensitive_and_falls_back_to_default() -> None:
    assert price_for("de") is PRICES[("DE", "residential")]
    assert price_for(" eu ", "Non-Household") is PRICES[("EU", "non-household")]
    assert price_for(None) is DEFAULT
    assert price_for("") is DEFAULT
    assert price_for("JP") is DEFAULT  # no sourced Japanese price
    assert price_for("DE", "non-household") is DEFAULT  # only the EU average is sourced


def test_german_households_pay_more_than_the_eu_average_and_hungarians_less() -> None:
    # Eurostat 2025-S1: DE highest (EUR 0.3835), HU lowest (EUR 0.1040), EU 0.2872.
    assert price_for("DE").usd_per_kwh > price_for("EU").usd_per_kwh > price_for("HU").usd_per_kwh


def test_module_imports_nothing_from_the_rest_of_advisor() -> None:
    tree = ast.parse(Path(electricity.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert not any(name.startswith("advisor") for name in imported)
    assert not any("PySide6" in name for name in imported)
