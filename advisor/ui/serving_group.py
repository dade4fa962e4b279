"""The "Serving and cost" fields: simultaneous users, hours, machines, electricity, write-off and the
sensitive share, each with a tooltip that gives its default and that default's source."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QWidget,
)

from advisor.estimate.cost import EIA_RESIDENTIAL_USD_PER_KWH
from advisor.estimate.electricity import PRICES as ELECTRICITY_PRICES
from advisor.recommend.constraints import Constraints
from advisor.ui.form_fields import check_row, describe


class ServingGroup(QGroupBox):
    """Serving and cost-of-ownership constraints.

    Signals: changed()
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Ser&ving and cost", parent)
        form = QFormLayout(self)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 4096)
        self.concurrency.setSuffix(" at once")
        self.concurrency.setToolTip(describe("concurrency") + " Default 1 (one person).")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(1, 744)
        self.hours.setDecimals(0)
        self.hours.setSuffix(" h / month")
        self.hours.setToolTip(describe("hours_per_month") + " Default 730 = 8,760 h a year / 12.")
        self.machines = QSpinBox()
        self.machines.setRange(1, 1000)
        self.machines.setSuffix(" machine(s)")
        self.machines.setToolTip(describe("max_machines") + " Default 1.")
        self._cost_widgets()
        self.sensitive = QDoubleSpinBox()
        self.sensitive.setRange(0, 100)
        self.sensitive.setDecimals(0)
        self.sensitive.setSuffix(" % sensitive")
        self.sensitive.setToolTip(describe("sensitive_share") + " Default 0 %.")
        form.addRow("&Users at once", self.concurrency)
        form.addRow("Serving &hours", self.hours)
        form.addRow("&Machines", self.machines)
        form.addRow("Electricity re&gion", self.region)
        for text, check, spin in (("&Electricity", self.electricity_set, self.electricity),
                                  ("&Write-off", self.amortize_set, self.amortize)):
            label = QLabel(text)
            label.setBuddy(check)  # a row of two widgets: the mnemonic goes to its check box
            form.addRow(label, check_row(check, spin))
        form.addRow("&Sensitive share", self.sensitive)
        for spin in (self.concurrency, self.hours, self.machines, self.electricity, self.amortize,
                     self.sensitive):
            spin.valueChanged.connect(self.changed)
        for check, spin in ((self.electricity_set, self.electricity), (self.amortize_set, self.amortize)):
            check.toggled.connect(spin.setEnabled)
            check.toggled.connect(self.changed)
        self.region.currentIndexChanged.connect(self.changed)

    def _cost_widgets(self) -> None:
        """Electricity price or region, and the write-off period."""
        self.electricity_set = QCheckBox("Own price")
        self.electricity = QDoubleSpinBox()
        self.electricity.setRange(0, 10)
        self.electricity.setDecimals(3)
        self.electricity.setPrefix("$ ")
        self.electricity.setSuffix(" / kWh")
        self.electricity.setSingleStep(0.01)
        self.electricity.setToolTip(
            f"{describe('electricity_usd_kwh')} The default, ${EIA_RESIDENTIAL_USD_PER_KWH:g}/kWh, is the "
            "U.S. average residential price of January 2024 (EIA Electric Power Monthly, "
            "https://www.eia.gov/electricity/monthly/update/end-use.php).")
        self.electricity_set.setToolTip("Untick to use the default price.")
        self.region = QComboBox()
        self.region.addItem("default (U.S. average)", None)
        for (region, kind), price in sorted(ELECTRICITY_PRICES.items()):
            if kind == "residential":
                self.region.addItem(f"{region}: ${price.usd_per_kwh:.3f}/kWh ({price.as_of})", region)
        self.region.setToolTip(describe("electricity_region") + " Each price names its source in the "
                               "result's assumptions (EIA, Eurostat, Ofgem).")
        self.amortize_set = QCheckBox("Write off")
        self.amortize = QSpinBox()
        self.amortize.setRange(1, 240)
        self.amortize.setSuffix(" months")
        self.amortize.setToolTip(describe("amortize_months") + " Off by default: many people already "
                                 "own the machine. Prices come from each hardware preset's source.")
        self.amortize_set.setToolTip("Tick to add the hardware's price, written off monthly.")

    def values(self) -> dict[str, object]:
        """The constraints fields these widgets describe."""
        return {
            "concurrency": self.concurrency.value(),
            "hours_per_month": self.hours.value(),
            "max_machines": self.machines.value(),
            "electricity_usd_kwh": self.electricity.value() if self.electricity_set.isChecked() else None,
            "electricity_region": self.region.currentData(),
            "amortize_months": self.amortize.value() if self.amortize_set.isChecked() else None,
            "sensitive_share": self.sensitive.value() / 100,
        }

    def set_values(self, c: Constraints) -> None:
        """Show a scenario's serving and cost fields (the caller blocks change signals)."""
        self.concurrency.setValue(c.concurrency)
        self.hours.setValue(c.hours_per_month)
        self.machines.setValue(c.max_machines)
        self.electricity_set.setChecked(c.electricity_usd_kwh is not None)
        self.electricity.setEnabled(c.electricity_usd_kwh is not None)
        self.electricity.setValue(c.electricity_usd_kwh if c.electricity_usd_kwh is not None
                                  else EIA_RESIDENTIAL_USD_PER_KWH)
        index = self.region.findData(c.electricity_region)
        self.region.setCurrentIndex(max(0, index))
        self.amortize_set.setChecked(c.amortize_months is not None)
        self.amortize.setEnabled(c.amortize_months is not None)
        self.amortize.setValue(c.amortize_months or 36)
        self.sensitive.setValue(c.sensitive_share * 100)


__all__ = ["ServingGroup"]
