"""Orchestration: load → normalise → plan → layout → render → check → publish.

``build`` runs the stages in order and returns a summary; it prints nothing
(the CLI does). Every stage collects all its problems before failing, and
nothing is written to the output folder until every panel has been rendered:
the new stand folders are made in a temporary folder beside them and swapped
in at the end, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import FitError, InputError, Problem, PublishError, display_path
from .layout.frame import Image, Page
from .layout.panels import PanelInput, layout_panel
from .layout.templates import Style, Template, load_style, load_template
from .load.cases import load_cases
from .load.config import load_project
from .model import Project
from .package import write_print_folder
from .normalise import campaign_texts, case_texts, check_coverage, normalise_cases, normalise_project
from .plan import StandPlan, plan_stands
from .render.pdf import PlacedImage, render_pdf
from .render.svg import render_svg

OWNED_MANIFEST = ".standpress-owned.json"


@dataclass(frozen=True)
class BuildOptions:
    cases: Path
    locations: Path
    out: Path
    only: tuple[str, ...] = ()
    fix_lookalikes: bool = False
    allow_low_res: bool = False
    strict: bool = False
    svg: bool = True
    outline_text: bool = False
    check: bool = True
    site: bool = True
    jobs: int = 0  # 0: one per core


@dataclass
class StandResult:
    id: str
    format: str
    panels: int
    faces: int
    cases: int
    files: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildResult:
    out: Path
    stands: list[StandResult]
    warnings: list[Problem]


Progress = Callable[[str], None]


def source_date(paths: list[Path]) -> datetime:
    """SOURCE_DATE_EPOCH if set, else the newest input's modification time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise InputError("SOURCE_DATE_EPOCH is not valid", [Problem(
                f'"{epoch}" is not a whole number of seconds', field="SOURCE_DATE_EPOCH")]) from None
    newest = max((p.stat().st_mtime for p in paths if p.exists()), default=0)
    return datetime.fromtimestamp(int(newest), tz=timezone.utc)


def load_design(project: Project) -> tuple[Style, dict[str, Template]]:
    style = load_style(project.root / "templates" / "style.toml", project.root / "fonts")
    templates: dict[str, Template] = {}
    problems: list[Problem] = []
    for fmt in project.formats.values():
        if fmt.template not in templates:
            try:
                templates[fmt.template] = load_template(
                    project.root / "templates" / f"{fmt.template}.toml", style)
            except InputError as exc:
                problems += exc.problems
    for fmt in project.formats.values():
        for name, cmyk in style.palette.items():
            if sum(cmyk) > fmt.ink_limit:
                problems.append(Problem(
                    f'colour "{name}" has {sum(cmyk):g} % total ink, over the {fmt.ink_limit:g} % '
                    f'limit of format «{fmt.id}»', str(style.source), None, f"palette.{name}",
                    "lower C, M, Y or K, or raise ink_limit if the printer allows"))
    InputError.collect(problems, "the templates are not valid")
    return style, templates


def prepare(opts: BuildOptions, progress: Progress = lambda s: None):
    """load + normalise + plan: everything before layout, all errors at once."""
    project, warnings = load_project(opts.locations)
    unknown = [o for o in opts.only if o not in {l.id for l in project.locations}]
    if unknown:
        raise InputError("unknown stand", [Problem(
            f'--only "{o}" is not a location id', field="--only",
            hint="known: " + ", ".join(l.id for l in project.locations)) for o in unknown])
    style, templates = load_design(project)
    cases, case_warnings = load_cases(opts.cases, project.campaign)
    warnings += case_warnings
    progress(f"{len(cases)} cases read from {display_path(opts.cases)}")
    project = normalise_project(project, opts.fix_lookalikes)
    cases, lookalikes = normalise_cases(cases, project.campaign, opts.fix_lookalikes)
    warnings += lookalikes
    fonts = [style.stack(k) for k in style.fonts]  # fallbacks honoured, in order
    check_coverage(list(campaign_texts(project.campaign, project.locations)) + list(case_texts(cases)),
                   fonts)
    c = project.campaign
    for host in c.placeholder_hosts:
        if host in c.catalogue_url:
            warnings.append(Problem(f"the catalogue address {c.catalogue_url} is a placeholder",
                                    display_path(opts.locations), None, "campaign.catalogue_url",
                                    "put the real address in locations.toml before print",
                                    severity="warning"))
    plans, plan_warnings = plan_stands(
        project, cases, lambda f: templates[f.template].cards_per_panel(), opts.only,
        fill_faces=lambda f: templates[f.template].has("catalogue"))
    warnings += plan_warnings
    return project, style, templates, cases, plans, warnings


def layout_all(project: Project, style: Style, templates: dict[str, Template],
               plans: list[StandPlan], date: str) -> dict[str, list[Page]]:
    """Every panel of every stand; every fitting problem reported at once."""
    pages: dict[str, list[Page]] = {}
    problems: list[Problem] = []
    for plan in plans:
        tpl = templates[plan.format.template]
        pages[plan.location.id] = []
        for panel in plan.panels:
            inp = PanelInput(project.campaign, plan, panel, tpl, style, project.locations,
                             project.map, date)
            try:
                pages[plan.location.id].append(layout_panel(inp))
            except FitError as exc:
                problems += [Problem(f"{plan.location.id} {panel.name}: {p.message}", p.file,
                                     p.place, p.field, p.hint) for p in exc.problems]
    InputError.collect(problems, "some text does not fit")
    return pages


class ImageCache:
    """Prepares each photo once per placement size; collects resolution warnings."""

    def __init__(self, project: Project, allow_low_res: bool, sources: dict | None = None):
        self.project = project
        self.sources = sources or {}
        self.allow_low_res = allow_low_res
        self.cache: dict[tuple, PlacedImage] = {}
        self.problems: list[Problem] = []
        self.ppi: dict[str, float] = {}

    def provider(self, plan: StandPlan) -> Callable[[Image], PlacedImage]:
        from .load.images import prepare_image

        fmt = plan.format

        def provide(im: Image) -> PlacedImage:
            key = (im.source, round(im.w, 3), round(im.h, 3), fmt.target_ppi, im.focus,
                   fmt.ink_limit)
            hit = self.cache.get(key)
            if hit is not None:
                return hit
            prepared = prepare_image(Path(im.source), box_mm=(im.w, im.h),
                                     target_ppi=fmt.target_ppi,
                                     output_profile=self.project.output_profile,
                                     background_cmyk=(0, 0, 0, 0), mode=self.project.photo_mode,
                                     focus=im.focus, ink_limit=fmt.ink_limit)
            ppi = prepared.effective_ppi
            self.ppi[f"{im.label}:{im.source}"] = ppi
            name = display_path(im.source)
            src = self.sources.get(im.label)
            file, place = (src.file, src.place) if src else (name, None)
            if ppi < fmt.min_ppi:
                self.problems.append(Problem(
                    f"case {im.label}: photo {name} prints at {ppi:.0f} ppi on «{fmt.id}», below the "
                    f"floor of {fmt.min_ppi:g} ppi", file, place, "photo",
                    "use a larger original, or build with --allow-low-res",
                    severity="warning" if self.allow_low_res else "error"))
            elif ppi < fmt.warn_ppi:
                self.problems.append(Problem(
                    f"case {im.label}: photo {name} prints at {ppi:.0f} ppi on «{fmt.id}» "
                    f"(aim: {fmt.target_ppi:g})", file, place, "photo", severity="warning"))
            untouched = prepared.untouched
            placed = PlacedImage(
                prepared.data, prepared.invert_cmyk,
                crop=prepared.crop if untouched else None,
                pixel_size=(prepared.pixel_width, prepared.pixel_height) if untouched else None)
            self.cache[key] = placed
            return placed

        return provide


def svg_photo(im: Image) -> bytes:
    """A screen-resolution sRGB JPEG of a placed photo, for the SVG previews."""
    from PIL import Image as PILImage, ImageOps

    with PILImage.open(im.source) as src:
        src = ImageOps.exif_transpose(src)
        icc = src.info.get("icc_profile")
        if src.mode == "CMYK" or icc:
            from PIL import ImageCms

            try:
                source = (ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else None)
                if src.mode == "CMYK" and source is None:
                    src = src.convert("RGB")
                elif source is not None:
                    src = ImageCms.profileToProfile(src, source, ImageCms.createProfile("sRGB"),
                                                    outputMode="RGB")
            except (ImageCms.PyCMSError, OSError):
                src = src.convert("RGB")
        rgb = src.convert("RGB")
        width = max(1, min(1600, round(im.w * 2)))  # about 50 ppi: a preview, not the print
        fitted = ImageOps.fit(rgb, (width, max(1, round(width * im.h / im.w))),
                              PILImage.Resampling.LANCZOS, centering=im.focus)
    out = io.BytesIO()
    fitted.save(out, "JPEG", quality=80, optimize=False)
    return out.getvalue()


def finish_pdf(raw: bytes, title: str, project: Project, created: datetime,
               fmt=None) -> bytes:
    from .render.pdfx import PdfxInfo, make_pdfx4

    c = project.campaign
    info = PdfxInfo(
        title=title, author=c.organiser, subject=f"{c.title} {c.year}",
        creator=f"standpress {__version__}", created=created,
        output_profile=project.output_profile,
        output_condition_identifier=project.output_condition_identifier,
        output_condition=project.output_condition, keywords=f"{c.title}, {c.city}",
        user_unit=fmt.page_unit if fmt is not None and fmt.oversize == "userunit" else 1.0)
    return make_pdfx4(raw, info)


def build(opts: BuildOptions, progress: Progress = lambda s: None) -> BuildResult:
    project, style, templates, cases, plans, warnings = prepare(opts, progress)
    inputs = [opts.locations, opts.cases, *[p for p in (project.root / "templates").glob("*.toml")]]
    created = source_date(inputs)
    date = created.strftime("%Y-%m-%d")
    pages = layout_all(project, style, templates, plans, date)
    progress(f"{sum(len(v) for v in pages.values())} panels laid out")

    images = ImageCache(project, opts.allow_low_res, {c.id: c.source for c in cases})
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".standpress-", dir=out))
    try:
        results = []
        for plan in plans:
            lid = plan.location.id
            folder = tmp / lid
            folder.mkdir()
            provider = images.provider(plan)
            result = StandResult(lid, plan.format.id, len(plan.panels),
                                 plan.location.units * plan.format.faces, len(plan.cases))
            for panel, page in zip(plan.panels, pages[lid]):
                data = finish_pdf(render_pdf([page], provider, outline_text=opts.outline_text),
                                  page.title, project, created,
                                  plan.format)
                (folder / f"{panel.name}.pdf").write_bytes(data)
                result.files.append(f"{lid}/{panel.name}.pdf")
            if opts.svg:
                (folder / "svg").mkdir()
                for panel, page in zip(plan.panels, pages[lid]):
                    svg = render_svg(page, svg_photo, outline_text=opts.outline_text,
                                     profile=project.output_profile)
                    (folder / "svg" / f"{panel.name}.svg").write_text(svg, encoding="utf-8")
                    result.files.append(f"{lid}/svg/{panel.name}.svg")
            title = f"{project.campaign.title} {project.campaign.year} — {plan.location.short_name}"
            data = finish_pdf(render_pdf(pages[lid], provider, title, opts.outline_text), title,
                              project, created,
                              plan.format)
            (folder / f"{lid}.pdf").write_bytes(data)
            result.files.append(f"{lid}/{lid}.pdf")
            for f in write_print_folder(folder, plan, project, date,
                                        plan.format.scale_label):
                result.files.append(f.relative_to(tmp).as_posix())
            results.append(result)
            progress(f"{lid}: {len(plan.panels)} panels, {len(plan.cases)} cases")
        InputError.collect(images.problems, "some photos are below the resolution floor")
        warnings += images.problems
        _write_summary(tmp, project, plans, pages, created, warnings, opts.outline_text)
        if opts.check:
            progress("preflight: reading the files back")
            warnings += preflight(tmp, plans, pages, jobs=opts.jobs,
                                  allow_low_res=opts.allow_low_res)
        if opts.strict and warnings:
            raise InputError("--strict: the build has warnings", warnings)
        if opts.site:
            from .site import build_site

            progress("preview site: rendering panels")
            build_site(tmp, jobs=opts.jobs or os.cpu_count() or 1)
        _publish(tmp, out, [r.id for r in results])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    home = {c.id: plan.location.id for plan in plans for c in plan.cases}
    for w in warnings:
        m = re.search(r"\bcase (\S+):", w.message)
        stand = home.get(m.group(1)) if m else None
        for r in results:
            if r.id == stand or f"«{r.id}»" in w.message:
                r.warnings.append(w)
    return BuildResult(out, results, warnings)


def _check_one(args: tuple[str, str, dict]):
    from .check import check_pdf
    from .check.report import FileReport

    path, rel, expect = args
    report = check_pdf(Path(path), expect)
    return FileReport(rel, report.findings)  # relative name, no timing: reproducible


def preflight(tmp: Path, plans: list[StandPlan], pages: dict[str, list[Page]],
              jobs: int = 0, allow_low_res: bool = False) -> list[Problem]:
    """Read every written PDF back with the independent preflight; errors stop the build.

    Writes ``preflight.json`` beside the stands and into each stand's ``print/``.
    """
    from concurrent.futures import ProcessPoolExecutor

    from .check.report import write_report

    summary = json.loads((tmp / "stands.json").read_text("utf-8"))
    tasks = []
    for stand in summary["stands"]:
        for panel in stand["panels"]:
            tasks.append((str(tmp / panel["file"]), panel["file"], panel))
        tasks.append((str(tmp / stand["file"]), stand["file"], {"pages": stand["panels"]}))
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            reports = list(pool.map(_check_one, tasks))
    else:
        reports = [_check_one(t) for t in tasks]
    write_report(reports, tmp / "preflight.json")
    for stand in summary["stands"]:
        own = [r for r in reports if r.path.startswith(stand["id"] + "/")]
        write_report(own, tmp / stand["id"] / "print" / "preflight.json")
    problems = []
    for r in reports:
        for f in r.findings:
            if f.severity in ("error", "warning"):
                severity = f.severity
                if allow_low_res and f.check == "images":  # --allow-low-res: the user's call
                    severity = "warning"
                problems.append(Problem(
                    f"preflight {f.check}: {f.detail}", r.path,
                    f"page {f.page}" if f.page else None, severity=severity))
    errors = [p for p in problems if p.is_error]
    if errors:
        from .errors import PreflightError

        raise PreflightError(f"the preflight rejects {len({p.file for p in errors})} file(s); "
                             "nothing was published (use --no-check to publish anyway)", errors)
    # the stand file repeats its panels' findings, and the build has already named every
    # photo below its target resolution with its case: keep the rest (all are in the JSON)
    stand_files = {s["file"] for s in summary["stands"]}
    return [p for p in problems
            if p.file not in stand_files and not p.message.startswith("preflight images:")]


def _write_summary(tmp: Path, project: Project, plans: list[StandPlan],
                   pages: dict[str, list[Page]], created: datetime,
                   warnings: list[Problem], outlined: bool = False) -> None:
    """``stands.json``: what was built, and what the preflight must find in it."""
    from .layout.frame import QR

    def panel_entry(plan: StandPlan, p, page: Page) -> dict:
        fmt = plan.format
        texts = [c.title for c in p.cases]
        if p.kind == "cover":
            texts.append(project.campaign.title)
        if p.kind == "locator":
            texts += [loc.name for loc in project.locations]
        return {"file": f"{plan.location.id}/{p.name}.pdf", "kind": p.kind, "unit": p.unit,
                "side": p.side, "cases": [c.id for c in p.cases],
                "trim": [fmt.width, fmt.height], "bleed": fmt.bleed, "safe": fmt.safe,
                "ink_limit": fmt.ink_limit,
                "warn_ppi": fmt.warn_ppi, "min_ppi": fmt.min_ppi,
                "qr": [i.data for i in page.items if isinstance(i, QR)],
                "texts": [] if outlined else texts, "outlined_text": outlined}

    data = {
        "campaign": f"{project.campaign.title} {project.campaign.year}",
        "generator": f"standpress {__version__}",
        "date": created.isoformat(),
        "catalogue_url": project.campaign.catalogue_url,
        "map": {"river": [list(p) for p in project.map.river], "river_name": project.map.river_name},
        "warnings": [str(w) for w in warnings],
        "stands": [
            {"id": plan.location.id, "number": plan.location.number, "name": plan.location.name,
             "short_name": plan.location.short_name, "address": plan.location.address,
             "lat": plan.location.lat, "lon": plan.location.lon, "serves": list(plan.location.serves),
             "format": plan.format.id, "format_name": plan.format.name,
             "units": plan.location.units, "faces": plan.format.faces,
             "file": f"{plan.location.id}/{plan.location.id}.pdf",
             "case_titles": {c.id: c.title for c in plan.cases},
             "urls": {c.id: c.url for c in plan.cases},
             "panels": [panel_entry(plan, p, page)
                        for p, page in zip(plan.panels, pages[plan.location.id])]}
            for plan in plans],
    }
    (tmp / "stands.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")


def _publish(tmp: Path, out: Path, stand_ids: list[str]) -> None:
    """Swap the new stand folders in; only folders and files standpress owns move."""
    owned_file = out / OWNED_MANIFEST
    try:
        owned = set(json.loads(owned_file.read_text("utf-8")).get("owned", []))
    except (FileNotFoundError, ValueError):
        owned = set()
    try:
        for sid in stand_ids:
            target = out / sid
            if target.exists() and sid not in owned and any(target.iterdir()):
                raise PublishError(
                    f"{display_path(target)} exists and was not written by standpress; "
                    "move it away or choose another --out folder")
        for sid in stand_ids:
            target = out / sid
            old = tmp / f".old-{sid}"
            if target.exists():
                target.rename(old)
            (tmp / sid).rename(target)
        shutil.copyfile(tmp / "stands.json", out / "stands.json")
        owned |= set(stand_ids) | {"stands.json"}
        for name in ("preflight.json", "index.html"):
            if (tmp / name).exists():
                shutil.copyfile(tmp / name, out / name)
                owned.add(name)
        owned_file.write_text(json.dumps({"owned": sorted(owned)}, indent=2) + "\n", "utf-8")
    except OSError as exc:
        raise PublishError(f"cannot write {display_path(out)}: {exc}") from exc


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
