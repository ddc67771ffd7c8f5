"""normalise: Ukrainian typography on every printed text, lookalikes, coverage.

Runs between load and plan. Every text field of the campaign, the locations
and the cases goes through ``text.typography.normalise``; words mixing Latin
and Cyrillic letters are reported (and fixed on request); every character
that will be printed is checked against the fonts, so a missing glyph fails
the build before anything is drawn, naming the case, field and U+ code.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable

from .errors import InputError, Problem
from .model import Campaign, Case, Project
from .text.fonts import Font
from .text.lookalikes import find_lookalikes, fix_lookalikes
from .text.typography import normalise

CASE_TEXT_FIELDS = ("title", "organization", "category", "summary", "partner", "photo_credit")
CAMPAIGN_SKIP = {"catalogue_url", "case_url_pattern", "districts", "apostrophe",
                 "placeholder_hosts", "year", "figures"}


def _norm(value: str, apostrophe: str, fix: bool) -> str:
    text = normalise(value, apostrophe=apostrophe)
    return fix_lookalikes(text) if fix else text


def normalise_project(project: Project, fix_lookalikes_: bool = False) -> Project:
    c = project.campaign
    ap = c.apostrophe
    changes = {}
    for f in dataclasses.fields(Campaign):
        if f.name in CAMPAIGN_SKIP:
            continue
        v = getattr(c, f.name)
        if isinstance(v, str):
            changes[f.name] = _norm(v, ap, fix_lookalikes_)
        elif isinstance(v, tuple) and all(isinstance(x, str) for x in v):
            changes[f.name] = tuple(_norm(x, ap, fix_lookalikes_) for x in v)
    figures = tuple(dataclasses.replace(fg, value=_norm(fg.value, ap, False),
                                        label=_norm(fg.label, ap, fix_lookalikes_))
                    for fg in c.figures)
    campaign = dataclasses.replace(c, figures=figures, **changes)
    locations = tuple(dataclasses.replace(
        loc, name=_norm(loc.name, ap, fix_lookalikes_),
        short_name=_norm(loc.short_name, ap, fix_lookalikes_),
        address=_norm(loc.address, ap, fix_lookalikes_),
        district=_norm(loc.district, ap, False),
        serves=tuple(_norm(d, ap, False) for d in loc.serves)) for loc in project.locations)
    campaign = dataclasses.replace(
        campaign, districts=tuple(_norm(d, ap, False) for d in c.districts))
    m = project.map  # the map's names (river, GeoJSON districts and water) are printed too
    map_ = dataclasses.replace(m, river_name=_norm(m.river_name, ap, False), features=tuple(
        dataclasses.replace(f, name=_norm(f.name, ap, False)) for f in m.features))
    return dataclasses.replace(project, campaign=campaign, locations=locations, map=map_)


def normalise_cases(cases: list[Case], campaign: Campaign,
                    fix_lookalikes_: bool = False) -> tuple[list[Case], list[Problem]]:
    ap = campaign.apostrophe
    out: list[Case] = []
    warnings: list[Problem] = []
    for case in cases:
        changes = {}
        for f in CASE_TEXT_FIELDS:
            value = getattr(case, f)
            for hit in find_lookalikes(value):
                src = case.source
                fixed = " → «" + hit.fixed + "»" if (hit.fixed and fix_lookalikes_) else ""
                warnings.append(Problem(
                    f"case {case.id}: «{hit.word}» mixes Latin and Cyrillic letters{fixed}",
                    src.file if src else None, src.place if src else None, f,
                    None if fix_lookalikes_ else "retype the word, or build with --fix-lookalikes",
                    severity="warning", case=case.id, kind="lookalike"))
            changes[f] = _norm(value, ap, fix_lookalikes_)
        changes["district"] = _norm(case.district, ap, False)
        out.append(dataclasses.replace(case, **changes))
    return out, warnings


def check_coverage(texts: Iterable[tuple[str, str, str, str | None, str | None]],
                   fonts: Iterable[Font]) -> None:
    """texts: (label, field, text, file, place). Raises InputError for missing glyphs."""
    fonts = list(fonts)
    problems: list[Problem] = []
    for label, field, text, file, place in texts:
        missing: list[str] = []
        for font in fonts:
            for ch in font.missing(text):
                if ch not in missing:
                    missing.append(ch)
        for ch in missing:
            name = unicodedata.name(ch, "unnamed character")
            problems.append(Problem(
                f"{label}: the fonts have no glyph for «{ch}» U+{ord(ch):04X} {name}",
                file, place, field, "remove or replace the character, or add a font that has it"))
    InputError.collect(problems, "some characters cannot be printed")


def campaign_texts(project: Project):
    """(label, field, text, file, place) of every printed campaign and location text,
    each named with its line in the locations file."""
    campaign, locations, where = project.campaign, project.locations, project.locate

    for f in dataclasses.fields(Campaign):
        if f.name in CAMPAIGN_SKIP:
            continue
        v = getattr(campaign, f.name)
        for s in (v if isinstance(v, tuple) else (v,)):
            if isinstance(s, str):
                yield ("campaign", f"campaign.{f.name}", s, *where(f"campaign.{f.name}"))
    for fg in campaign.figures:
        yield ("campaign", "campaign.figures", fg.value + fg.label, *where("campaign.figures"))
    for loc in locations:
        for name in ("name", "short_name", "address"):
            key = f"location[{loc.number - 1}].{name}"
            yield (f"location {loc.id}", key, getattr(loc, name), *where(key))


def case_texts(cases: list[Case]):
    for case in cases:
        src = case.source
        for f in CASE_TEXT_FIELDS:
            yield (f"case {case.id}", f, getattr(case, f), src.file if src else None,
                   src.place if src else None)


VISIBLE = {"\u00a0": "⍽", "\u202f": "·"}


def visible(text: str) -> str:
    """Show the no-break spaces a reader cannot see (⍽ U+00A0, · U+202F)."""
    return "".join(VISIBLE.get(ch, ch) for ch in text)


def typography_changes(cases: list[Case], campaign: Campaign):
    """(case, field, before, after, rule names) for every field the normaliser changes."""
    from .text.typography import explain

    for case in cases:
        for f in CASE_TEXT_FIELDS:
            before = getattr(case, f)
            steps = explain(before, apostrophe=campaign.apostrophe)
            if steps:
                yield case, f, before, steps[-1][2], [name for name, _, _ in steps]
