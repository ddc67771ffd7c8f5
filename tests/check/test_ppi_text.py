"""Resolutions in messages: never rounded onto the bound they fall below."""

from __future__ import annotations

import pytest

from standpress.errors import ppi_text


@pytest.mark.parametrize("ppi, bounds, shown", [
    (14.6, (15.0, 20.0), "14.6"),   # not «15 ppi, below the floor of 15 ppi»
    (14.97, (15.0,), "14.9"),       # rounded down, never onto the bound
    (69.5, (70.0, 100.0), "69.5"),
    (15.2, (15.0,), "15"),          # above the bound: whole numbers
    (37.4, (70.0, 100.0), "37"),    # far below: whole numbers
])
def test_a_resolution_just_below_a_bound_is_not_shown_as_the_bound(ppi, bounds, shown):
    assert ppi_text(ppi, *bounds) == shown
    for bound in bounds:
        assert (float(shown) < bound) == (ppi < bound)  # the text says what the value is
