"""QR codes: encoded once as a module matrix, which every backend draws.

Error correction Q (outdoor stands get scratched and dirty), quiet zone of
4 modules. The printed size of the code (without its quiet zone) is at least
the scanning distance ÷ 10.
"""

from __future__ import annotations

from functools import lru_cache

QUIET = 4


@lru_cache(maxsize=4096)
def qr_modules(data: str) -> tuple[str, ...]:
    """Rows of '1' (dark) and '0' (light), quiet zone included."""
    # imported when a code is made: qrcode brings Pillow (36 ms), which a rebuild that lays
    # nothing out never needs
    import qrcode
    from qrcode.constants import ERROR_CORRECT_Q

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET, box_size=1)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    return tuple("".join("1" if m else "0" for m in row) for row in qr.get_matrix())


def min_code_size(distance_m: float) -> float:
    """Minimum printed width of the code itself (mm) for a scanning distance."""
    return distance_m * 1000 / 10


def total_size(code_size: float, data: str) -> float:
    """Width including the quiet zone for a code of ``code_size`` mm."""
    n = len(qr_modules(data))
    return code_size * n / (n - 2 * QUIET)
