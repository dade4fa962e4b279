"""The lists inside a catalog entry — hosted offerings, task evidence, languages, weight artifacts —
as editable tables: one row per list item, one column per plain field of its schema type.

`RowTable` is a thin adapter over the rows as JSON-like dicts (what `Model.model_dump(mode="json")`
holds). Every edit is checked against the row's pydantic type (`advisor.catalog.offerings` /
`advisor.catalog.schema`): an edit that makes a field invalid is refused with a sentence (the
`refused` signal) and changes nothing. Fields still empty in a new row are allowed while editing and
tinted; the whole entry is validated again when it is applied. Fields without a column (an
offering's price tiers) stay in the row untouched and are edited in the JSON tab.

Signals (RowTable): refused(str), rows_edited()
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from advisor.catalog.benchmarks import BENCHMARKS
from advisor.catalog.errors import problems_from_validation
from advisor.catalog.iso_codes import LANGUAGES
from advisor.catalog.quant import QUANTS
from advisor.catalog.schema import Artifact, LanguageSupport, Offering, TaskEvidence
from advisor.ui.inert import tip
from advisor.ui.table_base import HeaderedTableModel, Index

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The whole row (a copy of its dict)."""
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 2
"""The values a cell offers in a drop-down (None: free text)."""
FREE_CHOICE_ROLE = Qt.ItemDataRole.UserRole + 3
"""True when the drop-down's values are suggestions and any text is allowed."""

Kind = Literal["text", "number", "bool", "date", "choice", "list"]
_MISSING_TINT = QColor(255, 196, 0, 70)  # amber wash: a required field not filled in yet


@dataclass(frozen=True)
class Column:
    """One editable field of a row type, with what the schema says about it."""

    field: str
    header: str
    kind: Kind
    required: bool
    tip: str
    choices: tuple[str, ...] = ()
    free_choice: bool = False  # choices are suggestions (benchmark names), not the only values


def _plain_annotation(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None is allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return annotation, False


def _column(row_type: type[BaseModel], name: str, header: str,
            suggestions: Sequence[str] = ()) -> Column:
    info = row_type.model_fields[name]
    ann, optional = _plain_annotation(info.annotation)
    tip = info.description or ("URL or document the fact was read from." if name == "source" else "")
    required = info.is_required()
    blank = ("",) if optional else ()
    if isinstance(ann, type) and issubclass(ann, Enum):
        return Column(name, header, "choice", required, tip, blank + tuple(str(e.value) for e in ann))
    if ann is bool:
        return Column(name, header, "bool", required, tip, ("", "yes", "no") if optional else ("yes", "no"))
    if ann is date:
        return Column(name, header, "date", required, tip + "  (YYYY-MM-DD)")
    if ann in (int, float):
        return Column(name, header, "number", required, tip)
    if typing.get_origin(ann) is tuple:
        return Column(name, header, "list", required, tip + "  (comma-separated)")
    if suggestions:
        return Column(name, header, "text", required, tip, tuple(suggestions), free_choice=True)
    return Column(name, header, "text", required, tip)


def display_text(column: Column, value: Any) -> str:
    """A field's value as the cell shows it (and as its editor starts)."""
    if value is None:
        return ""
    if column.kind == "bool":
        return "yes" if value else "no"
    if column.kind == "list":
        return ", ".join(str(v) for v in value)
    return str(value)


def parse_text(column: Column, text: str) -> Any:
    """What the user typed as a JSON-like value for the schema to check; None means 'empty'."""
    text = text.strip()
    if text == "":
        return None
    if column.kind == "bool":
        return {"yes": True, "no": False, "true": True, "false": False}.get(text.lower(), text)
    if column.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if column.kind == "number":
        for convert in (int, float):
            try:
                return convert(text)
            except ValueError:
                continue
    return text  # the schema words what is wrong with it


@dataclass(frozen=True)
class TableSpec:
    """One list of a model entry: its field name, label, row type, columns and a new row."""

    field: str
    label: str
    row_type: type[BaseModel]
    columns: tuple[Column, ...]
    hint: str

    def new_row(self) -> dict[str, Any]:
        """An empty row; its as-of date is today (the day the user reads the fact)."""
        return {"as_of": date.today().isoformat()}  # noqa: DTZ011 - the user's calendar day


def _spec(field: str, label: str, row_type: type[BaseModel], columns: Sequence[tuple[str, str]],
          hint: str, suggestions: Mapping[str, Sequence[str]] | None = None) -> TableSpec:
    extra = suggestions or {}
    return TableSpec(field, label, row_type,
                     tuple(_column(row_type, name, header, extra.get(name, ())) for name, header in columns),
                     hint)


OFFERINGS = _spec("offerings", "Offerings", Offering, (
    ("provider", "Provider"), ("provider_model_id", "Model id at provider"),
    ("price_input_usd_per_mtok", "Input $/M"), ("price_output_usd_per_mtok", "Output $/M"),
    ("source", "Source"), ("as_of", "As of"),
    ("price_cached_input_usd_per_mtok", "Cached $/M"), ("status", "Status"),
    ("shutdown_date", "Shutdown"), ("lifecycle_source", "Lifecycle source"), ("regions", "Regions"),
    ("trains_on_data", "Trains on data"), ("retention_days", "Retention (days)"),
    ("data_policy", "Data terms"), ("commercial_use", "Commercial use"),
    ("context_window_tokens", "Context"), ("max_output_tokens", "Max output"),
    ("price_batch_input_usd_per_mtok", "Batch input $/M"),
    ("price_batch_output_usd_per_mtok", "Batch output $/M"),
    ("output_tokens_per_s", "Speed (tokens/s)"), ("speed_source", "Speed source"),
), "Hosted APIs serving this model; prices in US$ per million tokens. Price tiers for long prompts "
   "are edited in the JSON tab.")
EVIDENCE = _spec("evidence", "Evidence", TaskEvidence, (
    ("benchmark", "Benchmark"), ("score", "Score"), ("source", "Source"), ("as_of", "As of"),
    ("metric", "Metric"), ("setting", "Setting"), ("independent", "Independent"),
), "Benchmark results that feed task quality, each with where it was read.",
    {"benchmark": sorted(BENCHMARKS)})
LANGUAGES_SPEC = _spec("languages", "Languages", LanguageSupport, (
    ("code", "Code"), ("level", "Support"), ("source", "Source"), ("as_of", "As of"),
), "Languages with how strong the evidence is; a language not listed is unknown, not unsupported.",
    {"code": sorted(LANGUAGES)})
ARTIFACTS = _spec("artifacts", "Artifacts", Artifact, (
    ("format", "Format"), ("quantization", "Quantization"), ("file_size_gb", "Size (GB)"),
    ("source", "Source"), ("as_of", "As of"), ("repo", "Repository"), ("file", "File"),
    ("ollama_tag", "Ollama tag"),
), "Published weight files: where they are, their size (GB: 10⁹ bytes) and where that was read.",
    {"quantization": QUANTS})
SPECS = (OFFERINGS, EVIDENCE, LANGUAGES_SPEC, ARTIFACTS)


def _cell_tip(col: Column, value: Any) -> str:
    """The cell's whole text (sources are long), or what the field is when it is empty."""
    text = display_text(col, value)
    if not text:
        return tip(("Required. " if col.required else "") + col.tip)
    if col.field == "code" and text in LANGUAGES:
        text = f"{text}: {LANGUAGES[text]}"
    return tip(text)  # catalog text: never rendered as markup


class RowTable(HeaderedTableModel):
    """The rows of one list of a model entry, editable cell by cell, each edit schema-checked."""

    refused = Signal(str)
    rows_edited = Signal()

    def __init__(self, spec: TableSpec) -> None:
        super().__init__()
        self.spec = spec
        self._adapter: TypeAdapter[Any] = TypeAdapter(spec.row_type)
        self._rows: list[dict[str, Any]] = []
        self._loaded: list[dict[str, Any]] = []

    # -- the rows ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Show these rows (the state `changed()` compares with)."""
        self.beginResetModel()
        self._rows = [dict(copy.deepcopy(r)) for r in rows]
        self._loaded = copy.deepcopy(self._rows)
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        """The rows as they are now (copies)."""
        return copy.deepcopy(self._rows)

    def changed(self) -> bool:
        """Whether the rows differ from those last set."""
        return self._rows != self._loaded

    def row_total(self) -> int:
        return len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.spec.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Vertical:  # row numbers, as messages count them
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.spec.columns):
            return None
        col = self.spec.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header + (" *" if col.required else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(("Required. " if col.required else "") + col.tip)
        return None

    def check_rows(self, rows: Sequence[object]) -> str | None:
        """Why these rows cannot be shown (not objects, or a field the schema refuses), or None."""
        for number, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                return f"{self.spec.label}, row {number}: must be an object"
            problem = self._problem(row, number - 1)
            if problem:
                return problem
        return None

    def insert_row(self, at: int, row: Mapping[str, Any] | None = None) -> int:
        """Insert a row (a new empty one by default) before `at`; returns its index."""
        at = max(0, min(at, len(self._rows)))
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, dict(copy.deepcopy(row)) if row is not None else self.spec.new_row())
        self.endInsertRows()
        self.rows_edited.emit()
        return at

    def remove_rows(self, rows: Sequence[int]) -> None:
        """Remove rows by index."""
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._rows):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        self.rows_edited.emit()

    def missing(self, row: int, column: int) -> bool:
        """Whether a required field of a row is still empty."""
        col = self.spec.columns[column]
        return col.required and self._rows[row].get(col.field) is None

    # -- Qt's item model -----------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self.spec.columns[index.column()]
        row = self._rows[index.row()]
        value = row.get(col.field)
        handlers: dict[int, Callable[[], Any]] = {
            Qt.ItemDataRole.DisplayRole: lambda: display_text(col, value),
            Qt.ItemDataRole.EditRole: lambda: display_text(col, value),
            Qt.ItemDataRole.ToolTipRole: lambda: _cell_tip(col, value),
            Qt.ItemDataRole.BackgroundRole: lambda: (QBrush(_MISSING_TINT)
                                                     if self.missing(index.row(), index.column()) else None),
            ROW_ROLE: lambda: copy.deepcopy(row),
            CHOICES_ROLE: lambda: list(col.choices) if col.choices else None,
            FREE_CHOICE_ROLE: lambda: col.free_choice,
        }
        handler = handlers.get(role)
        return handler() if handler else None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        col = self.spec.columns[index.column()]
        candidate = dict(self._rows[index.row()])
        parsed = parse_text(col, str(value)) if isinstance(value, str) else value
        if parsed is None or (col.kind == "list" and parsed == []):
            candidate.pop(col.field, None)
        else:
            candidate[col.field] = parsed
        problem = self._problem(candidate, index.row())
        if problem:
            self.refused.emit(problem)
            return False
        if candidate == self._rows[index.row()]:
            return True
        self._rows[index.row()] = candidate
        self.dataChanged.emit(index, index)
        self.rows_edited.emit()
        return True

    def _problem(self, row: Mapping[str, Any], at: int) -> str | None:
        """The first thing the schema refuses in a row, fields merely left empty aside."""
        try:
            self._adapter.validate_python(dict(row))
        except ValidationError as exc:
            worded = problems_from_validation(exc, self.spec.label, None)
            for error, problem in zip(exc.errors(include_url=False), worded, strict=True):
                if error["type"] != "missing":
                    where = describe_path(f"{self.spec.field}[{at}].{problem.field}" if problem.field
                                          else f"{self.spec.field}[{at}]")
                    return f"{where}: {problem.message}"
        return None


_PATH = re.compile(r"^(?P<table>\w+)\[(?P<row>\d+)\](?:\.(?P<field>\w+))?(?P<rest>.*)$")


def describe_path(path: str) -> str:
    """A field path of a model entry in the tables' words: `artifacts[4].file_size_gb` is
    'Artifacts, row 5, Size (GB)'; any other path stays as it is."""
    match = _PATH.match(path)
    spec = next((s for s in SPECS if match and s.field == match["table"]), None)
    if match is None or spec is None:
        return path
    where = f"{spec.label}, row {int(match['row']) + 1}"
    if match["field"]:
        header = next((c.header for c in spec.columns if c.field == match["field"]), match["field"])
        where += f", {header}{match['rest']}"
    return where


__all__ = ["ARTIFACTS", "CHOICES_ROLE", "EVIDENCE", "FREE_CHOICE_ROLE", "LANGUAGES_SPEC", "OFFERINGS",
           "ROW_ROLE", "SPECS", "Column", "RowTable", "TableSpec", "describe_path"]
