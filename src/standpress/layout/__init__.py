"""layout: the pure stage between plan and render.

Contract: ``layout_panel(PanelInput) → Page`` — a template, a format, a panel's plan
and the loaded design (style sheet, templates, fonts: ``load.design``) in; frozen
boxes in millimetres out (``frame``: text lines with their font, size and glyph
advances; images with their crop; QR module matrices; shapes). Layout decides every
size and line break; it reads no file and knows nothing of PDF. The planner asks it
for card sizes through ``grid.CardSizer`` (an object passed in, so ``plan`` imports
nothing from here).

Modules, lowest first: ``frame`` (the box vocabulary), ``templates`` (the design
vocabulary), ``qr``, ``fit`` (setting text in a frame), ``context`` (``PanelInput``,
``Layout``: what an item is laid out against), ``cards``, ``spare``, ``grid``,
``locator``, ``panels`` (the template's items, ``layout_panel``).
"""
