"""Electricity prices per region, for the running cost of local hardware.

Every price carries the page it was read from and the period it is for. A price published in
another currency is converted with one sourced reference rate, named in the price's note; no rate is
guessed. `price_for` answers any region and falls back to the U.S. residential average (EIA), the
estimator's default.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ElectricityPrice:
    """The average price of one kWh for one kind of customer in one region."""

    region: str  # ISO 3166-1 alpha-2 country code, or "EU" for the European Union average
    usd_per_kwh: float
    kind: str  # "residential" or "non-household" (Eurostat) / "commercial" (EIA)
    source: str  # URL the price was read from
    as_of: str  # the period the price is for, e.g. "2025-S1" or "2024-01"
    note: str = ""  # currency conversion, taxes included or not, caveats


READ_ON = "2026-12-03"
"""The date every price below was read."""

EUR_USD = 1.0411
"""US dollars per euro: ECB euro reference rate of 28 February 2025 (1 EUR = 1.0411 USD), as reported
at https://eurodripusa.net/?p=3028; a day inside Eurostat's 2025-S1 price period."""
EUR_USD_NOTE = ("at 1.0411 USD/EUR, the ECB euro reference rate of 2025-02-28 (a day inside the "
                "price period), as reported at https://eurodripusa.net/?p=3028")

GBP_USD = 1.0705 / 0.84638
"""US dollars per pound: the ECB euro reference rates of 28 June 2024 (1 EUR = 1.0705 USD = 0.84638 GBP),
as copied from eurofxref-daily.xml in github.com/dialogplay/tool-directory
integrations/ecb_exchange_rate/README.md; a day before the Ofgem cap period below."""

EUROSTAT_2025S1 = ("https://ec.europa.eu/eurostat/statistics-explained/index.php?"
                   "title=Electricity_price_statistics (data extracted October 2025; datasets "
                   "nrg_pc_204 households, nrg_pc_205 non-households)")
EIA_END_USE = "https://www.eia.gov/electricity/monthly/update/end-use.php"
OFGEM_CAP_2024Q3 = "https://ageuk.org.uk/staffordshire/our-services/support/energy-price-cap"


def _eur(region: str, eur_per_kwh: float, kind: str, extra: str = "") -> ElectricityPrice:
    """A Eurostat 2025-S1 price in EUR/kWh, converted at the sourced ECB rate."""
    return ElectricityPrice(
        region=region,
        usd_per_kwh=round(eur_per_kwh * EUR_USD, 5),
        kind=kind,
        source=EUROSTAT_2025S1,
        as_of="2025-S1",
        note=f"EUR {eur_per_kwh:.4f}/kWh {EUR_USD_NOTE}. {extra}".strip(),
    )


DEFAULT = ElectricityPrice(
    region="US",
    usd_per_kwh=0.1545,
    kind="residential",
    source=EIA_END_USE,
    as_of="2024-01",
    note="U.S. average residential revenue per kWh, January 2024 (15.45 cents), EIA Electricity "
         "Monthly Update; the estimator's default (advisor/estimate/cost.py). A later month could "
         "not be read on " + READ_ON + ".",
)

_HOUSEHOLD = "Households: 2,500-5,000 kWh/year band, all taxes and VAT included."
_PRICES = (
    DEFAULT,
    _eur("EU", 0.2872, "residential",
         "EU average weighted by 2023 household consumption. " + _HOUSEHOLD),
    _eur("DE", 0.3835, "residential", _HOUSEHOLD),
    _eur("BE", 0.3571, "residential", _HOUSEHOLD),
    _eur("DK", 0.3485, "residential", _HOUSEHOLD),
    _eur("IT", 0.3291, "residential", _HOUSEHOLD),
    _eur("HU", 0.1040, "residential", _HOUSEHOLD),
    _eur("MT", 0.1244, "residential", _HOUSEHOLD),
    _eur("BG", 0.1300, "residential", _HOUSEHOLD),
    _eur("EU", 0.1902, "non-household",
         "EU average for non-household consumers, excluding VAT and recoverable taxes "
         "(Eurostat press release of 2025-10-29, https://www.pubt.io/view/"
         "929A0A224023D5879F8452D5CD9C30DFD5DB7077: EUR 19.02 per 100 kWh)."),
    ElectricityPrice(
        region="GB",
        usd_per_kwh=round(0.2236 * GBP_USD, 5),
        kind="residential",
        source=OFGEM_CAP_2024Q3,
        as_of="2024-07/2024-09",
        note="Ofgem price cap unit rate 22.36p/kWh for direct debit, 1 July - 30 September 2024 "
             "(standing charge 60.12p/day not included), at 1.2648 USD/GBP from the ECB reference "
             "rates of 2024-06-28 (1 EUR = 1.0705 USD = 0.84638 GBP). An older period: no later "
             "cap could be read on " + READ_ON + ".",
    ),
)

PRICES: dict[tuple[str, str], ElectricityPrice] = {(p.region, p.kind): p for p in _PRICES}
"""Every sourced price, keyed by (region, kind). Japan is absent: no national average per kWh
with a source could be read."""


def price_for(region: str | None, kind: str = "residential") -> ElectricityPrice:
    """The sourced price for `region` (ISO code or "EU", any case) and `kind`; DEFAULT otherwise."""
    if not region:
        return DEFAULT
    return PRICES.get((region.strip().upper(), kind.strip().lower()), DEFAULT)


__all__ = ["DEFAULT", "PRICES", "ElectricityPrice", "price_for"]
