"""The PDF writer: report HTML laid out by QTextDocument, printed page by page with QPdfWriter.

This is the one Qt piece a headless `advisor recommend --format pdf` needs, so it lives here and
`advisor.report` imports it only for PDF. It needs no window: without a running Qt application it
starts a QGuiApplication on the offscreen platform. The chart is drawn from its SVG by QSvgRenderer
straight onto the PDF page, so it stays vector; every page has a footer "Page N of M".

The PDF is painted into memory and written with `advisor.storage.atomic.atomic_write_bytes` (mkstemp, fsync,
replace), like every other file: Qt never opens a path of its own, so no predictable temporary name
or planted symlink is followed, and a painter that fails or a full disk is a `PdfError` that leaves
the previous file in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtSvg import QSvgRenderer

from advisor import APP_NAME, __version__
from advisor.storage.atomic import atomic_write_bytes

PAPERS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
RESOLUTION = 96  # layout units: CSS pixels, so the report's pt sizes mean what they say
SVG_OBJECT = QTextFormat.ObjectTypes.UserObject + 1
FOOTER_GAP = 26.0  # px kept free under the text for the footer line
_APP: list[QGuiApplication] = []  # keeps a self-started application alive


class PdfError(OSError):
    """The PDF could not be written (unwritable place, full disk)."""


class SvgObject(QPyTextObject):
    """Draws an SVG inside a QTextDocument at its natural size, scaled down to fit the page width.

    QPyTextObject is PySide's QObject + QTextObjectInterface (a Python class cannot declare the
    interface to Qt's qobject_cast itself).
    """

    def __init__(self, svg: str, max_width: float) -> None:
        super().__init__()
        self.renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        if not self.renderer.isValid():  # a chart silently missing from the report is a failure
            raise PdfError("the chart could not be drawn: its SVG is not valid")
        size = QSizeF(self.renderer.defaultSize())
        if size.width() > max_width > 0:
            size = QSizeF(max_width, size.height() * max_width / size.width())
        self.size = size

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:  # noqa: N802, ARG002
        return self.size

    def drawObject(self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument,  # noqa: N802, ARG002
                   pos: int, fmt: QTextFormat) -> None:  # noqa: ARG002
        self.renderer.render(painter, QRectF(rect))


def ensure_application() -> None:
    """Qt's fonts and painting need a QGuiApplication; start an offscreen one if none runs."""
    if QGuiApplication.instance() is None:
        _APP.append(QGuiApplication([APP_NAME, "-platform", "offscreen"]))


def _insert_chart(doc: QTextDocument, marker: str, svg: str, width: float,
                  object_type: int = SVG_OBJECT) -> SvgObject | None:
    cursor = doc.find(marker)
    if cursor.isNull():
        return None
    handler = SvgObject(svg, width)
    doc.documentLayout().registerHandler(object_type, handler)
    fmt = QTextCharFormat()
    fmt.setObjectType(object_type)
    cursor.insertText("\ufffc", fmt)
    return handler


def write_pdf(html: str, path: Path, *, chart_svg: str | None = None, chart_marker: str = "",
              extra_charts: Sequence[tuple[str, str]] = (), paper: str = "a4", title: str = APP_NAME,
              footer: str = APP_NAME,
              progress: Callable[[float, str], None] | None = None) -> int:
    """Lay out `html` on A4 or Letter pages and write the PDF atomically; returns the page count."""
    report = progress or (lambda _f, _m: None)
    ensure_application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(PAPERS[paper]), QPageLayout.Orientation.Portrait,
                                     QMarginsF(16, 14, 16, 12), QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator(f"{APP_NAME} {__version__}")
    page = QRectF(writer.pageLayout().paintRectPixels(RESOLUTION))
    body = QSizeF(page.width(), page.height() - FOOTER_GAP)

    report(0.15, "Laying out pages")
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(QFont("Helvetica", 9))
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    handler = _insert_chart(doc, chart_marker, chart_svg, body.width()) if chart_svg and chart_marker \
        else None
    extra_handlers = [_insert_chart(doc, marker, svg, body.width(), SVG_OBJECT + 1 + i)
                      for i, (marker, svg) in enumerate(extra_charts) if svg]
    doc.setPageSize(body)
    pages = doc.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise PdfError(f"cannot write {path}: Qt could not start painting the PDF")
    try:
        for index in range(pages):
            report(0.2 + 0.75 * index / max(1, pages), f"Writing page {index + 1} of {pages}")
            if index and not writer.newPage():
                raise PdfError(f"cannot write {path}: Qt could not start page {index + 1}")
            painter.save()
            painter.translate(0, -index * body.height())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, index * body.height(), body.width(), body.height())
            painter.setClipRect(context.clip)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            _footer(painter, page, footer, index + 1, pages)
    finally:
        finished = painter.end()
    del handler, extra_handlers
    data = bytes(buffer.data().data())
    if not finished or not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        raise PdfError(f"cannot write {path}: Qt did not finish the PDF")
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise PdfError(f"cannot write {path}: {exc.strerror or exc}") from exc
    report(1.0, "Done")
    return pages


def _footer(painter: QPainter, page: QRectF, text: str, number: int, pages: int) -> None:
    y = page.height() - FOOTER_GAP + 8
    painter.setPen(QPen(QColor("#c5cbd6"), 0.8))
    painter.drawLine(0, int(y), int(page.width()), int(y))
    painter.setPen(QColor("#5b6475"))
    font = QFont("Helvetica")
    font.setPointSizeF(7.5)
    painter.setFont(font)
    line = QRectF(0, y + 3, page.width(), FOOTER_GAP - 11)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                     f"Page {number} of {pages}")
