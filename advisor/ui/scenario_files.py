"""Scenario files from the window: new, open, save, save as, recent, and the restored session.

The session (the constraints on screen when the window closed, saved or not) is kept in its own
file beside the settings, so an unsaved scenario survives a restart and a saved one is never
overwritten behind the user's back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from advisor.catalog.errors import CatalogError
from advisor.recommend.constraints import Constraints
from advisor.recommend.scenario import Scenario, load_scenario, save_scenario
from advisor.storage.paths import UserPaths
from advisor.ui.inert import message
from advisor.ui.settings import WindowSettings

FILTER = "Model Advisor scenarios (*.json);;All files (*)"


class ScenarioFiles(QObject):
    """Tracks the open scenario file and whether it has unsaved changes.

    Signals: loaded(object) — a Scenario to show; state_changed() — path or dirty flag changed;
    recent_changed() — the recent list changed.
    """

    loaded = Signal(object)
    state_changed = Signal()
    recent_changed = Signal()

    def __init__(self, paths: UserPaths, settings: WindowSettings, window: QWidget) -> None:
        super().__init__(window)
        self._paths = paths
        self.settings = settings
        self._window = window
        self.path: Path | None = None
        self.name = "Untitled scenario"
        self._saved: Constraints | None = Constraints()
        self._current = Constraints()

    @property
    def session_file(self) -> Path:
        """Where the on-screen scenario is kept between runs."""
        return self._paths.config_dir / "session.json"

    @property
    def dirty(self) -> bool:
        """Whether the constraints differ from the file they came from."""
        return self._saved != self._current

    def title(self) -> str:
        """Window title part: the file name, with * when unsaved."""
        label = self.path.name if self.path else self.name
        return f"{label}{' *' if self.dirty else ''}"

    def update_current(self, constraints: Constraints) -> None:
        """The panel's constraints changed."""
        was = self.dirty
        self._current = constraints
        if was != self.dirty:
            self.state_changed.emit()

    def settle(self, shown: Constraints) -> None:
        """After loading, accept the panel's reading of the scenario as the clean state.

        The fields may normalise a loaded value (a preset's name, a rounded number); that is not an
        unsaved change.
        """
        if not self.dirty:
            self._saved = shown
        self._current = shown
        self.state_changed.emit()

    # -- start and stop --------------------------------------------------------------------------
    def restore(self, explicit: Path | None) -> tuple[bool, str | None]:
        """Open `explicit`, else the last session, else the defaults.

        Returns whether something was restored (False on a first run) and a warning, if any.
        """
        if explicit is not None and self.open_path(explicit):
            return True, None
        if explicit is not None:
            self._set(Scenario(), None, Constraints())
            return True, f"Could not open {explicit}; showing the defaults."
        last = Path(self.settings.last_scenario) if self.settings.last_scenario else None
        if not self.session_file.exists():
            self._set(Scenario(), None, Constraints())
            return False, None
        try:
            session = load_scenario(self.session_file)
        except CatalogError as exc:
            self._set(Scenario(), None, Constraints())
            return True, f"The last session could not be restored ({exc.problems[0].message})."
        saved: Constraints | None = None
        if last is not None and last.exists():
            try:
                saved = load_scenario(last).constraints
            except CatalogError:
                saved = None
        self._set(session, last if saved is not None else None, saved)
        return True, None

    def keep_session(self) -> None:
        """Save the on-screen constraints as the session (on close)."""
        save_scenario(Scenario(name=self.name, constraints=self._current), self.session_file)

    # -- actions ---------------------------------------------------------------------------------
    def new(self) -> None:
        """Start from the default constraints."""
        if self.confirm_discard():
            self._set(Scenario(), None, Constraints())

    def open(self) -> None:
        """Ask for a scenario file and open it."""
        if not self.confirm_discard():
            return
        start = str(self.path.parent if self.path else self._paths.scenarios_dir)
        name, _ = QFileDialog.getOpenFileName(self._window, "Open scenario", start, FILTER)
        if name:
            self.open_path(Path(name))

    def open_path(self, path: Path) -> bool:
        """Open a scenario file; a bad file is reported and changes nothing."""
        try:
            scenario = load_scenario(path)
        except CatalogError as exc:
            message(self._window, QMessageBox.Icon.Warning, "Cannot open scenario",
                    f"{path} is not a usable scenario file:\n\n{exc}")
            return False
        self._set(scenario, path, scenario.constraints)
        self._remember(path)
        return True

    def save(self) -> bool:
        """Save to the current file (asks for a name the first time)."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        self._paths.scenarios_dir.mkdir(parents=True, exist_ok=True)
        start = str(self.path or self._paths.scenarios_dir / f"{self.name}.json")
        name, _ = QFileDialog.getSaveFileName(self._window, "Save scenario as", start, FILTER)
        if not name:
            return False
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".json")
        return self._write(path)

    def confirm_discard(self) -> bool:
        """If there are unsaved changes, ask to save them; False means the user cancelled."""
        if not self.dirty or (self.path is None and self._current == Constraints()):
            return True
        answer = message(
            self._window, QMessageBox.Icon.Question, "Unsaved changes",
            f"Save the changes to {self.title().rstrip(' *')} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- internals -------------------------------------------------------------------------------
    def _write(self, path: Path) -> bool:
        name = path.stem if self.path is None or path != self.path else self.name
        try:
            save_scenario(Scenario(name=name[:200], constraints=self._current), path)
        except OSError as exc:
            message(self._window, QMessageBox.Icon.Critical, "Cannot save scenario",
                    f"{path} could not be written: {exc.strerror or exc}.\n\n"
                    "Nothing was lost: your constraints are still on screen.")
            return False
        self.path, self.name, self._saved = path, name, self._current
        self._remember(path)
        self.state_changed.emit()
        return True

    def _set(self, scenario: Scenario, path: Path | None, saved: Constraints | None) -> None:
        self.path, self.name, self._saved = path, scenario.name, saved
        self._current = scenario.constraints
        self.loaded.emit(scenario)
        self.state_changed.emit()

    def _remember(self, path: Path) -> None:
        self.settings = self.settings.with_recent(path.resolve())
        self.recent_changed.emit()
