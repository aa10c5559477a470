"""An `otpauth://` enrollment URI as a QR code made of text, for a phone to scan off the
terminal: two module rows per line with the half-block characters ▀ ▄ █.

The QR encoding itself comes from segno (pure Python, no dependencies) when installed; without
it the lines say so and carry the URI, to be typed into the authenticator app by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

BORDER = 4  # the quiet zone the QR standard asks for, in modules
# (top, bottom) -> character; True means "draw ink here"
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def render_matrix(matrix: Sequence[Sequence[int | bool]], *, invert: bool = True) -> list[str]:
    """Lines of half blocks for a module matrix (truthy = dark module, quiet zone included).

    invert=True inks the light modules, so that on the usual light-on-dark terminal the code
    shows dark-on-light as scanners expect; invert=False inks the dark modules (for a
    dark-on-light terminal)."""
    rows = [[bool(m) != invert for m in row] for row in matrix]
    if not rows:
        return []
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("a QR matrix must be rectangular")
    if len(rows) % 2:
        rows.append([False] * width)  # ink off: the terminal's own background
    return ["".join(_HALF[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1],
                                                                strict=True))
            for i in range(0, len(rows), 2)]


def qr_matrix(text: str, *, border: int = BORDER) -> list[list[bool]] | None:
    """The module matrix of `text` with its quiet zone, or None when segno is not installed."""
    try:
        import segno  # optional: see the module docstring
    except ImportError:
        return None
    code = segno.make(text, error="m", micro=False)
    rows: Iterable[Iterable[int]] = code.matrix_iter(scale=1, border=border)
    return [[bool(m) for m in row] for row in rows]


def qr_lines(uri: str, *, invert: bool = True) -> list[str]:
    """The QR code of `uri` as lines of text, followed by the URI itself to type in if the
    code cannot be scanned; just the URI and a note when no QR encoder is installed."""
    matrix = qr_matrix(uri)
    if matrix is None:
        return ["(install segno to see this as a QR code; enter the key by hand)", uri]
    return [*render_matrix(matrix, invert=invert), "", uri]
