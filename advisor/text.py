"""Catalog text made inert for each kind of output: one helper per output kind.

Catalog text comes from strangers' files (imports, refreshes). In a terminal, a control or escape
character in a model name could erase, move or recolour lines (ESC, CSI, CR, backspace) or reorder
what is shown (bidirectional overrides); in SVG (XML 1.0) a control character makes the whole
document invalid, so a chart would silently vanish. Standard library only: `advisor --version`
prints through `terminal_safe` and must stay light.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the Unicode
# bidirectional embeddings, overrides and isolates (the "Trojan Source" characters, CVE-2021-42574).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets), plus the C1 controls
# and bidirectional controls, which it allows but which no label needs.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                         "\ud800-\udfff\ufffe\uffff]")


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control, escape and bidirectional character shown as a `\\uXXXX` code
    (newlines and tabs kept). The codes are also valid escapes inside JSON strings, so JSON
    printed through this still parses to the same text."""
    return _TERMINAL_UNSAFE.sub(_code, text)


def xml_text(text: str) -> str:
    """`text` escaped for XML/SVG character data or a quoted attribute, with characters XML cannot
    carry replaced by U+FFFD, so the document stays valid (line breaks become spaces)."""
    cleaned = _XML_UNSAFE.sub("\ufffd", text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    # What xml.sax.saxutils.escape does, without importing it: it loads urllib.request, http.client
    # and ssl, ~10 ms of every command's start.
    return cleaned.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace('"', "&quot;")
