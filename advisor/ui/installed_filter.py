"""'Installed models only': the window's side of `advisor recommend --installed-only`.

The model stores (Ollama, LM Studio, the Hugging Face cache) are read once in the background when
the box is ticked; the ranking then runs on the catalog's models found there. Only folders and
file headers are read (advisor/hardware/installed.py); nothing is run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from advisor.catalog.store import Catalog
from advisor.hardware.installed import scan
from advisor.ui.background import Background, Progress


class InstalledFilter(QObject):
    """Keeps the set of installed catalog models while the filter is on.

    Signals: ready() — the scan finished (or failed; `error` says why), rank again.
    """

    ready = Signal()

    def __init__(self, background: Background, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._background = background
        self.active = False
        self.scanning = False
        self.installed: frozenset[str] | None = None
        self.error: str | None = None
        self.folders: tuple[Path, ...] = ()

    def set_active(self, on: bool, catalog: Catalog, folders: Sequence[Path] = ()) -> None:
        """Turn the filter on (scanning the disk the first time, or again when the user's GGUF
        folders changed) or off."""
        self.active = on
        if tuple(folders) != self.folders and not self.scanning:
            self.folders = tuple(folders)
            self.installed = None
        if on and self.installed is None and not self.scanning:
            self.scanning = True
            models = tuple(catalog.models.values())
            where = self.folders

            def work(_progress: Progress) -> frozenset[str]:
                return frozenset(f.model_id for f in scan(models=models, folders=where) if f.model_id)

            self._background.run(work, self._done, self._failed)
        else:
            self.ready.emit()

    def rescan(self, catalog: Catalog) -> None:
        """Forget the last scan (the catalog was reloaded); scan again now if the filter is on."""
        self.installed = None
        if self.active:
            self.set_active(True, catalog, self.folders)

    def apply(self, catalog: Catalog) -> Catalog:
        """The catalog the ranking should use: only installed models while the filter is on."""
        if not self.active or self.installed is None:
            return catalog
        have = self.installed
        return replace(catalog, models={k: m for k, m in catalog.models.items() if k in have})

    def note(self) -> str:
        """A sentence for the status bar about what the filter did, or ''."""
        if not self.active:
            return ""
        if self.error:
            return f"Installed models could not be read ({self.error}); ranking every model."
        if self.installed is None:
            return "Looking for installed models…"
        if not self.installed:
            return "No model on this disk matches the catalog (Ollama, LM Studio, Hugging Face cache)."
        return f"Only the {len(self.installed)} installed model(s) are ranked."

    def _done(self, value: frozenset[str]) -> None:
        self.scanning = False
        self.error = None
        self.installed = value
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        self.scanning = False
        self.error = str(exc)
        self.ready.emit()


__all__ = ["InstalledFilter"]
