"""CPU seconds of planning and laying out a 100-case campaign (target: under 10 s).

    python benchmarks/bench_layout.py [sample|second]

``sample``: the bundled campaign (data/cases.csv); ``second``: the generated
100-case campaign of tests/campaigns/make.py (varied lengths, 43 % without photos).
Measures process CPU time (``time.process_time``) of plan (the card sizer included)
and of ``layout_panel`` for every panel, in this one process; loading, typography
and rendering are outside. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(which: str = "sample") -> dict:
    sys.path.insert(0, str(ROOT / "tests" / "campaigns"))
    from standpress.layout.grid import CardSizer
    from standpress.layout.panels import PanelInput, layout_panel
    from standpress.load.cases import load_cases
    from standpress.load.config import load_project
    from standpress.load.design import load_design
    from standpress.normalise import normalise_cases, normalise_project
    from standpress.plan import plan_stands

    with tempfile.TemporaryDirectory() as tmp:
        if which == "second":
            import make
            from standpress.text.linebreak import break_lines

            # the hashtag title needs the text stage's breaks at capitals
            make.NO_HASHTAG = break_lines(make.HASHTAG, width=20.0, mode="ragged",
                                          measure=lambda s: float(len(s)), space_width=1.0) is None
            make.second(Path(tmp))
            cases_path = Path(tmp) / "cases.csv"
        else:
            cases_path = ROOT / "data" / "cases.csv"
        project, _ = load_project(ROOT / "locations.toml")
        design = load_design(project)
        cases, _ = load_cases(cases_path, project.campaign)
        project = normalise_project(project)
        cases, _ = normalise_cases(cases, project.campaign)
        t0 = time.process_time()
        plans, _ = plan_stands(project, cases, CardSizer(design),
                               fill_faces=lambda f: design.templates[f.template].has("catalogue"))
        t1 = time.process_time()
        panels = 0
        for plan in plans:
            tpl = design.templates[plan.format.template]
            for panel in plan.panels:
                layout_panel(PanelInput(project.campaign, plan, panel, tpl, design.style,
                                        project.locations, project.map, "2022-10-12"))
                panels += 1
        t2 = time.process_time()
    return {"campaign": which, "cases": len(cases), "panels": panels,
            "plan_cpu_s": round(t1 - t0, 2), "layout_cpu_s": round(t2 - t1, 2),
            "total_cpu_s": round(t2 - t0, 2), "target_s": 10}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:2])))
