"""``standpress signoff``: approve panels, send them back, or list where each one stands
(the record is ``signoff.json`` in the output folder; ``standpress.signoff``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import StandpressError
from ..manifest import StandsManifest
from ..signoff import PanelState, panel_states, record_decisions, select_panels
from .common import handle_errors

LABELS = {"approved": "approved", "returned": "returned", "stale": "stale",
          "none": "not reviewed", "missing": "missing"}


def state_line(st: PanelState) -> str:
    """``khreshchatyk/02-cases   approved   Олена, 2026-12-02T07:31:05+00:00, 3f2a…``"""
    text = f"{st.stand + '/' + st.name:<34} {LABELS[st.state]:<13}"
    d = st.decision
    if d is not None:
        text += f" {d.decision} by {d.by}, {d.at}, sha256 {d.sha256[:12]}…"
        if st.state == "stale":
            text += f" (now {st.sha256[:12]}…)" if st.sha256 else ""
        if d.note:
            text += f" — {d.note}"
    return text


@click.command()
@click.argument("target", required=False, metavar="[STAND[/PANEL]]")
@click.option("--approve", "action", flag_value="approved", help="Approve the panel(s).")
@click.option("--return", "action", flag_value="returned",
              help="Send the panel(s) back (needs --note saying what to change).")
@click.option("--by", "by", metavar="NAME", help="Who decides (required with an action).")
@click.option("--note", default="", metavar="TEXT", help="A comment kept with the decision.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True,
              help="The build's output folder.")
@handle_errors
def signoff(target: str | None, action: str | None, by: str | None, note: str,
            out: Path) -> None:
    """Approve or send back a stand's panels (all of them, or STAND/PANEL: 02 or 02-cases);
    with no action, list the state of every panel: approved, returned, stale (changed since
    it was decided on) or not reviewed."""
    if not (Path(out) / "stands.json").is_file():
        raise StandpressError(f"{out} holds no build (stands.json); run standpress build first")
    manifest = StandsManifest.read(out)
    entries = select_panels(manifest, target)
    if action is None:
        if by or note:
            raise click.UsageError("--by and --note go with --approve or --return")
        states = [s for s in panel_states(out, manifest) if s.entry in entries]
        for st in states:
            click.echo(state_line(st))
        tally = {k: sum(s.state == k for s in states) for k in LABELS}
        click.echo(", ".join(f"{n} {LABELS[k]}" for k, n in tally.items() if n)
                   + f" ({len(states)} panels)")
        return
    states = {s.file: s for s in panel_states(out, manifest)}
    targets = [(p.file, states[p.file].sha256 or "") for p in entries]
    made = record_decisions(out, targets, action, by or "", note)
    for d in made:
        click.echo(f"{d.file}: {d.decision} by {d.by} at {d.at} (sha256 {d.sha256})")
