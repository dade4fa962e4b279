"""The catalog editor's tables (#21, #20): a model's offerings, task evidence, languages and
artifacts edited row by row, every field checked by the schema, saved through the overlay."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QStyleOptionViewItem, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.overlay import read_overlay
from advisor.catalog.store import Catalog
from advisor.storage.paths import UserPaths
from advisor.ui.background import Background
from advisor.ui.catalog_editor import CatalogEditor
from advisor.ui.entry_form import FIELDS_TAB, JSON_TAB
from advisor.ui.row_tables import CHOICES_ROLE, ROW_ROLE, SPECS, RowTable

MODEL = "qwen/qwen3-8b"  # open weights with offerings, evidence, languages and artifacts
OTHER = "openai/gpt-4o-mini"


@pytest.fixture
def dialog(paths: UserPaths, bundled: Catalog,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogEditor]:
    """The editor on its own (no main window behind it: these tests need no ranking)."""
    background = Background()
    editor = CatalogEditor(OverlayEditor.open(paths, bundled), background)
    editor.show()  # not qtbot.addWidget: qtbot would close it before the answer below is in place
    editor.select(MODEL)
    yield editor
    background.wait()
    answer(monkeypatch, QMessageBox.StandardButton.Discard)  # closing asks about what a test left
    editor.close()
    editor.deleteLater()


def table(dialog: CatalogEditor, name: str) -> RowTable:
    return dialog.form.tables[name].model


def column(model: RowTable, field: str) -> int:
    return [c.field for c in model.spec.columns].index(field)


def edit(model: RowTable, row: int, field: str, text: str) -> bool:
    """What the view's editor does when the user types `text` into a cell and presses Enter."""
    return model.setData(model.index(row, column(model, field)), text, Qt.ItemDataRole.EditRole)


def save(qtbot: QtBot, dialog: CatalogEditor) -> None:
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        assert dialog.save()
    assert blocker.args == [True]


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """Answer every question box with `button`; returns what they asked."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(html.unescape(re.sub(r"<[^>]+>", "", text)))  # inert.message escapes it
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_every_table_passes_modeltester(qtmodeltester: ModelTester, bundled: Catalog) -> None:
    data = bundled.models[MODEL].model_dump(mode="json")
    for spec in SPECS:
        model = RowTable(spec)
        qtmodeltester.check(model)  # empty
        model.set_rows(data[spec.field])
        assert model.rowCount() == len(data[spec.field]) > 0
        qtmodeltester.check(model)
        model.insert_row(0)
        model.remove_rows([1])
        qtmodeltester.check(model)


def test_an_offering_price_and_status_are_edited_applied_and_saved(
        qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths) -> None:
    offers = table(dialog, "offerings")
    provider = offers.index(0, column(offers, "provider")).data()
    assert edit(offers, 0, "price_input_usd_per_mtok", "0.25")
    assert edit(offers, 0, "status", "active")
    assert edit(offers, 0, "regions", "sg, eu")
    assert edit(offers, 0, "trains_on_data", "no")
    assert edit(offers, 0, "source", "https://example.com/prices (read 2026-12-03)")
    assert edit(offers, 0, "as_of", "2026-12-03")
    assert offers.index(0, column(offers, "regions")).data() == "sg, eu"
    assert dialog.form.pending()
    assert dialog.status.text().startswith("Not applied yet")
    assert dialog.apply_entry()
    assert dialog.status.text() == "Unsaved changes"
    offer = dialog.editor.model(MODEL).offerings[0]
    assert (offer.provider, offer.price_input_usd_per_mtok, offer.status.value) == (provider, 0.25, "active")
    assert (offer.regions, offer.trains_on_data, str(offer.as_of)) == (("SG", "EU"), False, "2026-12-03")
    assert offer.source == "https://example.com/prices (read 2026-12-03)"
    assert not dialog.form.pending()
    save(qtbot, dialog)
    saved = read_overlay(paths.overlay_file).models[MODEL].offerings[0]
    assert (saved.price_input_usd_per_mtok, saved.source) == (0.25, offer.source)


@pytest.mark.parametrize(("name", "field", "text", "words"), [
    ("offerings", "price_input_usd_per_mtok", "-1", "must be greater than or equal to 0"),
    ("offerings", "price_input_usd_per_mtok", "cheap", "must be a valid number"),
    ("offerings", "price_output_usd_per_mtok", "nan", "finite number"),
    ("offerings", "price_output_usd_per_mtok", "1e9", "less than or equal to 10000"),
    ("offerings", "shutdown_date", "next spring", "valid date"),
    ("offerings", "status", "gone", "'active', 'deprecated' or 'retired'"),
    ("evidence", "score", "150", "outside"),
    ("languages", "code", "english", "two-letter lower-case ISO 639-1"),
    ("artifacts", "file_size_gb", "0", "must be greater than 0"),
    ("artifacts", "file_size_gb", "1e300", "less than or equal to 100000"),
])
def test_a_bad_value_is_refused_in_words_and_changes_nothing(
        qtbot: QtBot, dialog: CatalogEditor, name: str, field: str, text: str, words: str) -> None:
    model = table(dialog, name)
    before = model.rows()
    with qtbot.waitSignal(model.refused, timeout=1000) as blocker:
        assert not edit(model, 0, field, text)
    said = str(blocker.args[0])
    assert words in said
    header = model.spec.columns[column(model, field)].header
    # the score is refused by the row's own check (against its benchmark), so the row is named
    where = f"{model.spec.label}, row 1" + ("" if field == "score" else f", {header}")
    assert said.startswith(f"{where}: ")
    assert dialog.form.message.text() == said  # shown under the form, as text
    assert model.rows() == before
    assert not dialog.form.pending()


def test_a_new_row_must_be_completed_and_the_problem_is_shown(qtbot: QtBot, dialog: CatalogEditor,
                                                              paths: UserPaths) -> None:
    tab = dialog.form.tables["artifacts"]
    count = tab.model.rowCount()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == count + 1
    assert dialog.form.tabs.tabText(4) == f"Artifac&ts ({count + 1})"
    new = tab.model.index(count, column(tab.model, "format"))
    assert tab.model.missing(count, new.column())
    assert new.data(Qt.ItemDataRole.BackgroundRole) is not None  # tinted: required, still empty
    assert "Required" in new.data(Qt.ItemDataRole.ToolTipRole)
    assert tab.model.index(count, column(tab.model, "as_of")).data()  # today, editable
    dialog.form.tabs.setCurrentIndex(FIELDS_TAB)
    assert not dialog.apply_entry()
    assert f"Artifacts, row {count + 1}, Format: is required but missing" in dialog.form.message.text()
    assert dialog.form.tabs.currentWidget() is tab  # brought into view, at the cell
    assert tab.view.currentIndex().row() == count
    assert not dialog.editor.dirty
    for field, text in (("format", "gguf"), ("quantization", "Q5_K_M"), ("file_size_gb", "5.85"),
                        ("repo", "bartowski/Qwen_Qwen3-8B-GGUF"), ("file", "Qwen_Qwen3-8B-Q5_K_M.gguf"),
                        ("source", "https://huggingface.co/bartowski/Qwen_Qwen3-8B-GGUF (read 2026-12-03)")):
        assert edit(tab.model, count, field, text)
    assert dialog.apply_entry()
    save(qtbot, dialog)
    artifact = read_overlay(paths.overlay_file).models[MODEL].artifacts[-1]
    assert (artifact.quantization, artifact.file_size_gb, artifact.file) == (
        "Q5_K_M", 5.85, "Qwen_Qwen3-8B-Q5_K_M.gguf")
    assert artifact.source.startswith("https://huggingface.co/bartowski")


def test_rows_are_removed_and_duplicated_and_undo_brings_them_back(dialog: CatalogEditor) -> None:
    tab = dialog.form.tables["evidence"]
    rows = tab.model.rows()
    tab.view.selectRow(0)
    tab.remove_selected()
    tab.view.selectRow(0)
    tab.duplicate_row()
    assert tab.model.rows() == [rows[1], rows[1], *rows[2:]]
    assert dialog.apply_entry()
    assert len(dialog.editor.model(MODEL).evidence) == len(rows)
    assert dialog.editor.model(MODEL).evidence[0].benchmark == rows[1]["benchmark"]
    dialog.undo.undo()
    assert tab.model.rows() == rows  # the form shows the entry as it was


def test_a_language_listed_twice_is_refused_on_apply(dialog: CatalogEditor) -> None:
    langs = table(dialog, "languages")
    first = langs.rows()[0]
    langs.insert_row(langs.rowCount(), first)
    assert not dialog.apply_entry()
    assert "a language is listed twice" in dialog.form.message.text()
    assert not dialog.editor.dirty


def test_the_json_tab_and_the_tables_show_one_draft(dialog: CatalogEditor) -> None:
    form = dialog.form
    offers = table(dialog, "offerings")
    assert edit(offers, 0, "price_output_usd_per_mtok", "0.9")
    form.tabs.setCurrentIndex(JSON_TAB)
    data = json.loads(form.json_edit.toPlainText())
    assert data["offerings"][0]["price_output_usd_per_mtok"] == 0.9
    data["languages"][0]["level"] = "evaluated"
    form.json_edit.setPlainText(json.dumps(data))
    form.tabs.setCurrentIndex(3)  # Languages
    langs = table(dialog, "languages")
    assert langs.index(0, column(langs, "level")).data() == "evaluated"
    assert offers.index(0, column(offers, "price_output_usd_per_mtok")).data() == "0.9"
    assert form.pending()
    form.tabs.setCurrentIndex(JSON_TAB)
    form.json_edit.setPlainText('{"languages": [{"code": "xx y"}]')  # not JSON: kept in its tab
    form.tabs.setCurrentIndex(FIELDS_TAB)
    assert "The JSON tab holds edits the other tabs cannot show" in form.message.text()
    form.tabs.setCurrentIndex(JSON_TAB)
    assert form.json_edit.toPlainText() == '{"languages": [{"code": "xx y"}]'
    data["name"] = "Qwen3 8B (via JSON)"
    form.json_edit.setPlainText(json.dumps(data))
    assert dialog.apply_entry()
    applied = dialog.editor.model(MODEL)
    assert applied.name == "Qwen3 8B (via JSON)"
    assert applied.languages[0].level.value == "evaluated"
    assert applied.offerings[0].price_output_usd_per_mtok == 0.9


def test_unapplied_edits_are_not_dropped_when_another_model_is_chosen(
        dialog: CatalogEditor, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    offers = table(dialog, "offerings")
    assert edit(offers, 0, "price_input_usd_per_mtok", "0.3")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog.models.highlight(OTHER)
    dialog.models.chosen.emit(OTHER)  # what clicking another row does
    assert asked == [f"Apply your changes to {MODEL} first?"]
    assert dialog._current == MODEL
    assert offers.index(0, column(offers, "price_input_usd_per_mtok")).data() == "0.3"
    dialog.hide_box.setChecked(True)
    dialog.toggle_hidden()  # another change keeps the form's edits
    assert offers.index(0, column(offers, "price_input_usd_per_mtok")).data() == "0.3"
    answer(monkeypatch, QMessageBox.StandardButton.Apply)
    dialog.models.chosen.emit(OTHER)
    assert dialog._current == OTHER
    assert dialog.editor.model(MODEL).offerings[0].price_input_usd_per_mtok == 0.3
    assert MODEL in dialog.editor.overlay.hidden
    before = dialog.editor.model(OTHER)
    assert edit(table(dialog, "offerings"), 0, "price_input_usd_per_mtok", "0.2")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Discard)
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.reject()  # Escape: the same question, then the unsaved-changes one
    assert asked == [f"Apply your changes to {OTHER} first?", "Save your catalog changes before closing?"]
    assert dialog.editor.model(OTHER) == before


def test_fixed_choices_get_a_drop_down(qtbot: QtBot, dialog: CatalogEditor) -> None:
    tab = dialog.form.tables["offerings"]
    index = tab.model.index(0, column(tab.model, "status"))
    assert index.data(CHOICES_ROLE) == ["active", "deprecated", "retired"]
    assert isinstance(index.data(ROW_ROLE), dict)
    parent = QWidget()
    qtbot.addWidget(parent)
    delegate = tab.view.itemDelegate()
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    assert not editor.isEditable()
    editor.setCurrentText("retired")
    delegate.setModelData(editor, tab.model, index)
    assert index.data() == "retired"
    bench = tab.model.index(0, column(tab.model, "source"))
    assert not isinstance(delegate.createEditor(parent, QStyleOptionViewItem(), bench), QComboBox)
    evidence = dialog.form.tables["evidence"]
    names = delegate.createEditor(parent, QStyleOptionViewItem(),
                                  evidence.model.index(0, column(evidence.model, "benchmark")))
    assert isinstance(names, QComboBox)
    assert names.isEditable()  # suggestions, not a closed list
