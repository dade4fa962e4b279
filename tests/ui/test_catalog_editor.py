"""Catalog → Edit catalog… driven as a user would: form edits with undo/redo, worded errors, hide,
import with review, save, unsaved-changes prompt, and the ranking picking the edits up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.overlay import load_catalog, read_overlay
from advisor.catalog.store import Catalog
from advisor.storage.paths import UserPaths
from advisor.ui.catalog_editor import CatalogEditor
from advisor.ui.entry_form import JSON_TAB, form_fields
from advisor.ui.main_window import MainWindow
from advisor.ui.plan_dialog import PlanDialog
from tests.catalog.test_importing import _doc as models_dev_doc

MODEL = "openai/gpt-4o-mini"


def idle(qtbot: QtBot, dialog: CatalogEditor) -> None:
    """Wait until the dialog's background job (import, refresh, save) has ended."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def save_and_wait(qtbot: QtBot, dialog: CatalogEditor) -> bool:
    """Save in the background; True when the overlay was written."""
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        assert dialog.save()
    return bool(blocker.args and blocker.args[0])


@pytest.fixture
def dialog(window: MainWindow) -> CatalogEditor:
    editor = window.edit_catalog()  # a child of the window, deleted when closed
    assert editor is not None
    editor.select(MODEL)
    return editor


def test_form_is_generated_from_the_schema() -> None:
    names = [name for name, _t, _d in form_fields()]
    for expected in ("name", "vendor", "license", "context_window_tokens", "release_date", "open_weights"):
        assert expected in names
    assert "offerings" not in names  # nested: edited in the JSON tab


def test_edit_undo_redo_save_and_the_ranking_sees_it(qtbot: QtBot, window: MainWindow,
                                                     dialog: CatalogEditor, paths: UserPaths) -> None:
    dialog.form.fields["name"].setText("Mini (our contract)")
    dialog.apply_entry()
    assert dialog.editor.model(MODEL).name == "Mini (our contract)"
    assert dialog.windowTitle().endswith("*")
    dialog.undo.undo()
    assert dialog.editor.model(MODEL).name == "GPT-4o mini"
    assert dialog.form.fields["name"].text() == "GPT-4o mini"
    dialog.undo.redo()
    assert dialog.editor.model(MODEL).name == "Mini (our contract)"
    assert save_and_wait(qtbot, dialog)
    assert not dialog.windowTitle().endswith("*")
    assert read_overlay(paths.overlay_file).models[MODEL].name == "Mini (our contract)"
    dialog.close()
    qtbot.waitUntil(lambda: window.catalog.models[MODEL].name == "Mini (our contract)", timeout=5000)


def test_bad_values_are_explained_and_change_nothing(dialog: CatalogEditor) -> None:
    dialog.form.fields["context_window_tokens"].setText("-1")
    dialog.apply_entry()
    assert "context_window_tokens: must be greater than 0" in dialog.form.message.text()
    assert not dialog.editor.dirty
    dialog.form.tabs.setCurrentIndex(JSON_TAB)
    dialog.form.json_edit.setPlainText("{ not json")
    dialog.apply_entry()
    assert "not valid JSON" in dialog.form.message.text()
    assert not dialog.editor.dirty


def test_hide_and_the_unsaved_changes_prompt(qtbot: QtBot, dialog: CatalogEditor,
                                            monkeypatch: pytest.MonkeyPatch, paths: UserPaths) -> None:
    dialog.hide_box.setChecked(True)
    dialog.toggle_hidden()
    assert MODEL in dialog.editor.overlay.hidden
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel)
    assert not dialog.close()  # cancelled: still open, nothing lost
    dialog.reject()  # Escape asks the same question
    assert dialog.isVisible()
    assert dialog.editor.dirty
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        dialog.close()  # saves in the background, then closes
    assert not dialog.isVisible()
    assert MODEL in load_catalog(paths).hidden


def test_import_csv_with_review(qtbot: QtBot, dialog: CatalogEditor, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "team.csv"
    src.write_text("id,name,family,vendor,open_weights,license,source,as_of,provider,"
                   "price_input_usd_per_mtok,price_output_usd_per_mtok\n"
                   "acme/helper,Helper,helper,Acme,false,proprietary-openai,https://acme.example,2026-11-01,"
                   "acme,0.5,1.5\n", encoding="utf-8")
    monkeypatch.setattr(PlanDialog, "exec", lambda _self: QDialog.DialogCode.Accepted)
    dialog.import_file(src)
    idle(qtbot, dialog)
    assert "acme/helper" in dialog.editor.catalog().models
    dialog.undo.undo()
    assert "acme/helper" not in dialog.editor.catalog().models


def test_a_bad_import_changes_nothing_and_says_why(qtbot: QtBot, dialog: CatalogEditor, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "bad.json"
    src.write_bytes(b"\xff\xfe")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    dialog.import_file(src)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "not UTF-8" in shown[0]
    assert not dialog.editor.dirty


def test_save_keeps_what_another_window_saved(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                                              bundled: Catalog) -> None:
    other = OverlayEditor.open(paths, bundled)
    other.set_field("qwen/qwen3-8b", "name", "From the other window")
    other.save()
    dialog.form.fields["name"].setText("From this window")
    dialog.apply_entry()
    assert save_and_wait(qtbot, dialog)
    assert "kept 1 change(s) made in another window" in dialog.status.text()
    cat = load_catalog(paths)
    assert cat.models["qwen/qwen3-8b"].name == "From the other window"
    assert cat.models[MODEL].name == "From this window"


def test_refresh_runs_in_the_background_and_applies_what_is_ticked(
        qtbot: QtBot, dialog: CatalogEditor, monkeypatch: pytest.MonkeyPatch, bundled: Catalog,
        tmp_path: Path) -> None:
    # The fixture with the catalog's own prices and limits on the offerings it lists (the build takes them
    # from newer sources), so the review lists only new models.
    fixture = tmp_path / "models-dev-api.json"
    fixture.write_text(json.dumps(models_dev_doc(bundled)), encoding="utf-8")
    reviewed: list[list[str]] = []

    def accept_first_two(self: PlanDialog) -> QDialog.DialogCode:
        ids = [str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]
        for i in range(2, self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Unchecked)
        reviewed.append(ids)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PlanDialog, "exec", accept_first_two)
    before = set(dialog.editor.catalog().models)
    dialog.refresh_models_dev(str(fixture))
    qtbot.waitUntil(lambda: bool(reviewed), timeout=20_000)
    idle(qtbot, dialog)  # applying runs in the background too
    ticked, unticked = reviewed[0][:2], reviewed[0][2:]
    assert all(mid in dialog.editor.catalog().models for mid in ticked)
    new_unticked = [mid for mid in unticked if mid not in before]
    assert new_unticked
    assert not any(mid in dialog.editor.catalog().models for mid in new_unticked)
    dialog.undo.undo()
    assert set(dialog.editor.catalog().models) == before


def test_refresh_from_a_file_reads_a_price_feed_and_reviews_it(
        qtbot: QtBot, dialog: CatalogEditor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog  # noqa: PLC0415

    cat = dialog.editor.catalog()
    mid, pid = next((m.id, o.provider_model_id) for m in sorted(cat.models.values(), key=lambda m: m.id)
                    for o in m.offerings if o.provider == "anthropic" and o.status.value == "active")
    feed = tmp_path / "litellm.json"
    feed.write_text(json.dumps({pid: {"litellm_provider": "anthropic", "deprecation_date": "2027-03-01"}}),
                    encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(feed), ""))
    reviewed: list[list[str]] = []

    def accept(self: PlanDialog) -> QDialog.DialogCode:
        items = [self.list.item(i) for i in range(self.list.count())]
        reviewed.append([str(item.data(Qt.ItemDataRole.UserRole)) for item in items])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PlanDialog, "exec", accept)
    dialog.refresh_from_file()
    qtbot.waitUntil(lambda: bool(reviewed), timeout=20_000)
    idle(qtbot, dialog)
    assert reviewed[0] == [mid]
    offer = next(o for o in dialog.editor.catalog().models[mid].offerings if o.provider_model_id == pid)
    assert (offer.status.value, str(offer.shutdown_date)) == ("deprecated", "2027-03-01")
