"""Sign-off: staff approve each panel, or send it back, before it goes to print.

The record is ``signoff.json`` beside the build's output (``stands/signoff.json``). It is
not the build's file: a build never writes, moves or deletes it (``pipeline/publish.py``
swaps only the stand folders and the files its owned-file manifest lists), so it survives
rebuilds, ``watch`` and ``clean``. Decisions are keyed by the SHA-256 of the panel PDF
they were made on::

    {"format": "standpress-signoff/1",
     "decisions": {"<sha256>": [{"file": "khreshchatyk/02-cases.pdf",
                                 "decision": "approved", "by": "Олена Коваль",
                                 "at": "2026-12-02T07:31:05+00:00", "note": ""}, ...]}}

A panel's state is worked out from its current bytes (:func:`panel_states`):

* ``approved`` / ``returned`` — the latest decision on these very bytes;
* ``stale`` — decisions exist for the file, but on other bytes (the panel changed since);
  :attr:`PanelState.decision` is the latest of them (who, when, which hash);
* ``none`` — nobody has reviewed it; ``missing`` — the PDF is not there.

Writing is atomic (a temporary file in the same folder, then :func:`os.replace`) and
serialised by an exclusive lock on ``.signoff.lock`` beside it, so the server's threads
and a ``standpress signoff`` in a terminal never lose each other's decisions. The server
(``serve.py``), the CLI (``cli/signoff.py``), the site (``site/views.py``) and ``pack``
(``pipeline/package.py``) all go through this module.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputError, Problem, display_path
from .manifest import PanelEntry, StandsManifest

__all__ = ["SIGNOFF_JSON", "FORMAT", "DECISIONS", "STATES", "MAX_NAME", "MAX_NOTE", "Decision",
           "SignoffRecord", "PanelState", "file_sha256", "panel_states", "select_panels",
           "check_decision", "record_decisions", "now_iso"]

SIGNOFF_JSON = "signoff.json"
LOCK_FILE = ".signoff.lock"
FORMAT = "standpress-signoff/1"
DECISIONS = ("approved", "returned")
STATES = ("approved", "returned", "stale", "none", "missing")
MAX_NAME = 120  # characters
MAX_NOTE = 2000
SHA256 = re.compile(r"[0-9a-f]{64}")


def now_iso() -> str:
    """The time of a decision: now, in UTC, to the second (a real event, not the build date)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    """One person's verdict on one panel file as it was (its SHA-256)."""

    file: str  # relative to the output folder: "<stand>/<NN-kind>.pdf"
    sha256: str
    decision: str  # "approved" | "returned"
    by: str
    at: str  # ISO 8601, UTC
    note: str = ""

    @property
    def stand(self) -> str:
        return self.file.split("/", 1)[0]

    def to_json(self) -> dict:
        return {"file": self.file, "decision": self.decision, "by": self.by, "at": self.at,
                "note": self.note}

    @classmethod
    def from_json(cls, sha256: str, data: dict) -> Decision:
        if not isinstance(data, dict):
            raise ValueError(f"a decision on {sha256[:12]}… is not an object")
        for key in ("file", "decision", "by", "at"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise ValueError(f'a decision on {sha256[:12]}… has no "{key}"')
        if data["decision"] not in DECISIONS:
            raise ValueError(f'"decision" must be one of {DECISIONS}, not {data["decision"]!r}')
        return cls(data["file"], sha256, data["decision"], data["by"], data["at"],
                   str(data.get("note") or ""))


@dataclass(frozen=True)
class SignoffRecord:
    """Every decision ever made in one output folder, oldest first."""

    decisions: tuple[Decision, ...] = ()

    def to_json(self) -> dict:
        by_hash: dict[str, list[dict]] = {}
        for d in self.decisions:
            by_hash.setdefault(d.sha256, []).append(d.to_json())
        return {"format": FORMAT,
                "about": "standpress sign-off: decisions on panel PDFs, keyed by the SHA-256 "
                         "of the file they were made on; builds never touch this file",
                "decisions": by_hash}

    @classmethod
    def from_json(cls, data) -> SignoffRecord:
        if not isinstance(data, dict) or not isinstance(data.get("decisions"), dict):
            raise ValueError('no "decisions" object')
        found = []
        for sha, items in data["decisions"].items():
            if not SHA256.fullmatch(str(sha)) or not isinstance(items, list):
                raise ValueError(f"{sha!r} is not a SHA-256 with a list of decisions")
            found += [Decision.from_json(sha, d) for d in items]
        return cls(tuple(sorted(found, key=lambda d: d.at)))  # stable: same-second order kept

    @classmethod
    def read(cls, out: Path) -> SignoffRecord:
        """``out/signoff.json``; empty when there is none; :class:`InputError` if unreadable."""
        path = Path(out) / SIGNOFF_JSON
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            raise InputError("cannot read the sign-off record", [Problem(
                f"not valid JSON: {exc}", display_path(path),
                hint="restore it from a backup, or move it away to start the sign-off again")]
            ) from None
        try:
            return cls.from_json(data)
        except ValueError as exc:
            raise InputError("cannot read the sign-off record", [Problem(
                str(exc), display_path(path),
                hint="restore it from a backup, or move it away to start the sign-off again")]
            ) from None

    def write(self, out: Path) -> None:
        """Atomically: a temporary file beside it, flushed, then renamed over it."""
        path = Path(out) / SIGNOFF_JSON
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=".signoff-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def for_file(self, file: str) -> list[Decision]:
        return [d for d in self.decisions if d.file == file]


@dataclass(frozen=True)
class PanelState:
    """Where one panel stands in the sign-off."""

    entry: PanelEntry
    sha256: str | None  # of the file as it is now; None: missing
    state: str  # one of STATES
    decision: Decision | None  # the deciding one; for "stale", the latest on other bytes
    history: tuple[Decision, ...] = field(default=(), repr=False)  # all on this file

    @property
    def file(self) -> str:
        return self.entry.file

    @property
    def stand(self) -> str:
        return self.entry.file.split("/", 1)[0]

    @property
    def name(self) -> str:
        """``02-cases``: the file's stem."""
        return Path(self.entry.file).stem

    @property
    def approved(self) -> bool:
        return self.state == "approved"


# ------------------------------------------------------------------ hashes

_HASHES: dict[tuple, str] = {}
_HASH_LOCK = threading.Lock()


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file (None if it is not there), remembered by inode, size and mtime."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    with _HASH_LOCK:
        if key in _HASHES:
            return _HASHES[key]
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    with _HASH_LOCK:
        if len(_HASHES) > 4096:
            _HASHES.clear()
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def _state(entry: PanelEntry, sha: str | None, record: SignoffRecord) -> PanelState:
    history = tuple(record.for_file(entry.file))
    if sha is None:
        return PanelState(entry, None, "missing", history[-1] if history else None, history)
    on_these = [d for d in history if d.sha256 == sha]
    if on_these:
        return PanelState(entry, sha, on_these[-1].decision, on_these[-1], history)
    if history:
        return PanelState(entry, sha, "stale", history[-1], history)
    return PanelState(entry, sha, "none", None, history)


def panel_states(out: Path, manifest: StandsManifest | None = None,
                 stand_ids: Iterable[str] | None = None,
                 record: SignoffRecord | None = None) -> list[PanelState]:
    """Every panel of the build in ``out`` (or of ``stand_ids``), in order, with its state."""
    out = Path(out)
    manifest = manifest or StandsManifest.read(out)
    record = record if record is not None else SignoffRecord.read(out)
    wanted = set(stand_ids) if stand_ids is not None else None
    return [_state(p, file_sha256(out / p.file), record)
            for s in manifest.stands if wanted is None or s.id in wanted for p in s.panels]


def select_panels(manifest: StandsManifest, target: str | None) -> list[PanelEntry]:
    """The panels ``target`` names: None (all), ``STAND``, or ``STAND/PANEL`` where PANEL
    is the file's stem (``02-cases``), its number (``02`` or ``2``) or its file name.
    :class:`InputError` naming what exists when nothing matches."""
    if not target:
        return [p for s in manifest.stands for p in s.panels]
    sid, _, panel = target.strip("/").partition("/")
    stand = manifest.stand(sid)
    if stand is None:
        raise InputError("no such stand", [Problem(
            f"«{sid}» is not a stand of this build", field="STAND",
            hint="stands: " + ", ".join(s.id for s in manifest.stands))])
    if not panel:
        return list(stand.panels)
    for p in stand.panels:
        stem = Path(p.file).stem
        head = stem.split("-", 1)[0]
        if panel in (stem, Path(p.file).name) or (
                panel.isdigit() and head.isdigit() and int(panel) == int(head)):
            return [p]
    raise InputError("no such panel", [Problem(
        f"stand «{sid}» has no panel «{panel}»", field="PANEL",
        hint="panels: " + ", ".join(Path(p.file).stem for p in stand.panels))])


def _clean(text: str) -> str:
    """Whitespace runs to one space, no control characters (newlines kept in notes)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def check_decision(decision: str, by: str | None, note: str | None) -> tuple[str, str, str]:
    """``(decision, by, note)`` cleaned, or :class:`InputError` saying what is wrong."""
    problems = []
    if decision not in DECISIONS:
        problems.append(Problem(f"the decision must be one of {', '.join(DECISIONS)}, "
                                f"not {decision!r}", field="decision"))
    by = " ".join(_clean(by or "").split())
    note = _clean(note or "").strip()
    if not by:
        problems.append(Problem("the name of who decides is missing", field="by",
                                hint="give your name (--by NAME)"))
    elif len(by) > MAX_NAME:
        problems.append(Problem(f"the name is {len(by)} characters long (at most {MAX_NAME})",
                                field="by"))
    if len(note) > MAX_NOTE:
        problems.append(Problem(f"the note is {len(note)} characters long (at most {MAX_NOTE})",
                                field="note"))
    if decision == "returned" and not note:
        problems.append(Problem("a panel sent back needs a note saying what to change",
                                field="note", hint="--note TEXT"))
    if problems:
        raise InputError("the sign-off is not recorded", problems)
    return decision, by, note


class _Locked:
    """An exclusive lock on ``out/.signoff.lock`` (threads and processes alike)."""

    def __init__(self, out: Path):
        self.path = Path(out) / LOCK_FILE

    def __enter__(self):
        self.fh = open(self.path, "a")
        fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        self.fh.close()


def record_decisions(out: Path, targets: Iterable[tuple[str, str]], decision: str, by: str,
                     note: str = "", at: str | None = None) -> list[Decision]:
    """Record ``decision`` by ``by`` on each ``(file, sha256)``, under the lock.

    Every file must exist in ``out`` with exactly that SHA-256 (the bytes the person
    saw): otherwise :class:`InputError` and nothing is written.
    """
    out = Path(out)
    decision, by, note = check_decision(decision, by, note)
    at = at or now_iso()
    with _Locked(out):
        record = SignoffRecord.read(out)
        problems, made = [], []
        for file, sha in targets:
            current = file_sha256(out / file)
            if current is None:
                problems.append(Problem("the panel file is not there", file,
                                        hint="build again"))
            elif sha != current:
                problems.append(Problem(
                    f"the file has changed: its SHA-256 is {current[:12]}…, not "
                    f"{str(sha)[:12]}…", file, hint="reload the page and look at it again"))
            else:
                made.append(Decision(file, sha, decision, by, at, note))
        if problems:
            raise InputError("the sign-off is not recorded", problems)
        SignoffRecord(record.decisions + tuple(made)).write(out)
    return made
