"""A content-addressed cache of build products, so that a rebuild redoes only what changed.

Contract
========

An *entry* is one product of one build step — a prepared photo, a laid-out panel, a
rendered PDF or SVG, a preflight report, preview images — stored under a *key*: the
SHA-256 of everything that goes into it (see :func:`digest`). The same key always
names the same bytes, so an entry, once written, is never rewritten; any number of
builds and worker processes may share a cache folder.

On disk (``kind`` is the step, ``kk`` the key's first two hex digits)::

    <cache>/CACHEDIR.TAG                  marks the folder as a cache (backup tools skip it)
    <cache>/standpress-cache.json         {"format": 1}: what wrote it
    <cache>/files.json                    input files' SHA-256, remembered by their stat
    <cache>/usage.json                    what the last prune's scan found (bytes, when)
    <cache>/<kind>/<kk>/<key>.json        the entry: its blobs (name, size, mtime) and meta
    <cache>/<kind>/<kk>/<key>.<name>      one blob (a JPEG, a PDF, a PNG, a pickle…)

Writing is atomic: each blob goes to a temporary file in its folder and is linked into
place (a blob already there with the same bytes, written by another process or machine
making the same product, is kept, so the size and mtime another writer's JSON recorded
stay true), then the entry's JSON is written through a temporary file and ``os.replace``,
last. A build killed at any moment
leaves either a whole entry or none (temporary files are ignored and removed by
``standpress clean``). An entry whose JSON does not parse, or whose blobs are missing or
have another size or modification time than the JSON records (a file edited in place
through a hard link to the published output, say) is *invalid*: :meth:`Cache.get`
returns ``None`` and the build makes the product again.

Published files are hard links to the blobs when the output and the cache are on the
same file system (a copy otherwise), so a rebuild from the cache costs no disk space
and almost no time.

Keys include :func:`code_fingerprint` (the standpress source files themselves and the
versions of the libraries that shape the bytes), so a changed standpress never serves a
stale product.
"""

from __future__ import annotations

import contextlib
import filecmp
import functools
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .storage import remote_store

FORMAT = 1
MARKER = "standpress-cache.json"
FILES_INDEX = "files.json"
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by standpress.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")
DEFAULT_NAME = ".standpress-cache"
MIN_LIMIT = 2 << 30  # prune never takes the cache below 2 GiB
USAGE = "usage.json"  # the last scan of the cache's size (see Cache.prune)
RESCAN = 3600  # seconds: the cache is scanned at least this often by a prune
# libraries whose version can change the bytes standpress writes
LIBRARIES = ("reportlab", "pikepdf", "Pillow", "numpy", "pypdfium2", "uharfbuzz", "fonttools",
             "pyphen", "qrcode", "svgwrite", "zxing-cpp", "openpyxl")


def default_cache_dir(out: Path) -> Path:
    """``.standpress-cache`` beside the output folder."""
    return Path(os.path.abspath(out)).parent / DEFAULT_NAME


def digest(*parts: object) -> str:
    """A key: SHA-256 over the parts (strings, numbers, None, lists, tuples, dicts).

    Anything else is turned into its ``repr``, which must be stable: a repr that shows a
    memory address (``… at 0x…``) cannot make a key and raises ``ValueError``.
    """
    h = hashlib.sha256()
    _feed(h, parts)
    return h.hexdigest()


def _feed(h, value: object) -> None:
    if value is None or isinstance(value, (bool, int, float)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data) + data)
    elif isinstance(value, bytes):
        h.update(b"b%d:" % len(value) + value)
    elif isinstance(value, (list, tuple)):
        h.update(b"[%d:" % len(value))
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(b"{%d:" % len(value))
        for k in sorted(value, key=str):
            _feed(h, str(k))
            _feed(h, value[k])
        h.update(b"}")
    else:
        _feed(h, stable_repr(value))


def stable_repr(obj: object) -> str:
    text = repr(obj)
    if " at 0x" in text:
        raise ValueError(f"{type(obj).__name__} has no stable repr; it cannot key a cache entry")
    return text


@functools.lru_cache(maxsize=8)
def code_fingerprint(files: tuple[str, ...] = ()) -> str:
    """standpress's version, Python's, the libraries' versions and the source files.

    ``files`` (paths inside the package, e.g. ``("load/images.py",)``) narrows the
    sources to the modules a product depends on; by default every file of the package
    counts, so any change to standpress makes every product again.
    """
    from importlib import metadata

    from .. import __version__

    package = Path(__file__).resolve().parent.parent  # src/standpress
    h = hashlib.sha256()
    h.update(f"standpress {__version__}; python {sys.version_info[:2]}\n".encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name} {version}\n".encode())
    paths = ([package / f for f in files] if files else
             [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts])
    for path in sorted(paths):
        rel = path.relative_to(package).as_posix()
        data = path.read_bytes()
        h.update(f"{rel} {len(data)}\n".encode() + data)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    kind: str
    key: str
    meta: dict
    paths: dict[str, Path]  # blob name → file

    def read(self, name: str) -> bytes:
        return self.paths[name].read_bytes()


class Cache:
    """A cache folder (see the module docstring); ``hits`` and ``misses`` count lookups.

    ``root`` may be an ``fsspec`` URL instead (``s3://…``, ``file:///…``, also as a Path
    spells it): then ``root`` is this machine's mirror folder of the store at that URL,
    entries missing there are fetched from the store and new ones pushed to it
    (``storage.py``). ``location`` is what another machine opens the same cache by."""

    def __init__(self, root: Path | str):
        self.remote = remote_store(root)
        self.root = self.remote.mirror if self.remote else Path(root)
        self.location = self.remote.url if self.remote else str(self.root)
        self.hits = 0
        self.misses = 0
        self.used: set[tuple[str, str]] = set()  # entries this process read or wrote
        self.added: set[tuple[str, str]] = set()  # entries this process wrote

    # ---------------------------------------------------------------- set up

    def open(self) -> "Cache":
        """Create the folder (and its marker) if needed; refuse a folder that is not a cache."""
        marker = self.root / MARKER
        if (self.remote is None and self.root.exists() and any(self.root.iterdir())
                and not marker.exists()):  # (a mirror is standpress's own folder)
            from ..errors import StandpressError

            raise StandpressError(
                f"{self.root} is not empty and is not a standpress cache; "
                "choose another --cache folder")
        self.root.mkdir(parents=True, exist_ok=True)
        if not marker.exists():
            _atomic_write(marker, (json.dumps({"format": FORMAT}) + "\n").encode())
            _atomic_write(self.root / "CACHEDIR.TAG", CACHEDIR_TAG.encode())
        if self.remote is not None:
            self.remote.open()
        return self

    def reachable(self) -> bool:
        """Whether this process sees the cache: the folder's marker, or the store's."""
        if self.remote is not None:
            return self.remote.reachable()
        return (self.root / MARKER).is_file()

    # ---------------------------------------------------------------- entries

    def _folder(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2]

    def get(self, kind: str, key: str) -> Entry | None:
        """The valid entry for ``key``, or ``None`` (missing or invalid)."""
        folder = self._folder(kind, key)
        try:
            record = json.loads((folder / f"{key}.json").read_bytes())
            if record.get("format") != FORMAT or record.get("key") != key:
                raise ValueError("foreign entry")
            paths = {}
            for name, blob in record["blobs"].items():
                path = folder / blob["file"]
                st = path.stat()
                if st.st_size != blob["size"] or st.st_mtime_ns != blob["mtime_ns"]:
                    raise ValueError("blob changed")
                paths[name] = path
            meta = record.get("meta", {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            fetched = self.remote.fetch(kind, key) if self.remote is not None else None
            if fetched is None:
                self.misses += 1
                return None
            self.hits += 1
            return self.put(kind, key, fetched[1], fetched[0], push=False)
        self.hits += 1
        if (kind, key) not in self.used:
            self.used.add((kind, key))
            try:  # the entry's JSON's mtime says when it was last used (for prune)
                os.utime(folder / f"{key}.json")
            except OSError:
                pass
        return Entry(kind, key, meta, paths)

    def put(self, kind: str, key: str, blobs: dict[str, bytes | Path], meta: dict | None = None,
            move: bool = False, link: bool = False, push: bool = True) -> Entry:
        """Store blobs under ``key``: bytes, or files copied in (``move``: moved in;
        ``link``: hard-linked in, copied when the file system refuses); with a store
        (``push``), into it too."""
        if self.remote is not None and not (self.root / MARKER).exists():
            self.open()  # a worker's mirror, at its first entry
        folder = self._folder(kind, key)
        folder.mkdir(parents=True, exist_ok=True)
        record_blobs = {}
        paths = {}
        for name, data in blobs.items():
            if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
                raise ValueError(f"bad blob name {name!r}")
            target = folder / f"{key}.{name}"
            tmp = _tmp_name(target)
            try:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    with open(tmp, "wb") as fh:
                        fh.write(data)
                else:
                    try:
                        if move:
                            os.replace(data, tmp)
                        elif link:
                            os.link(data, tmp)
                        else:
                            shutil.copyfile(data, tmp)
                    except OSError:
                        shutil.copyfile(data, tmp)
                _settle(tmp, target)
            except BaseException:
                _remove(tmp)
                raise
            st = target.stat()
            record_blobs[name] = {"file": target.name, "size": st.st_size,
                                  "mtime_ns": st.st_mtime_ns}
            paths[name] = target
        record = {"format": FORMAT, "kind": kind, "key": key, "blobs": record_blobs,
                  "meta": meta or {}}
        _atomic_write(folder / f"{key}.json",
                      json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        self.used.add((kind, key))
        self.added.add((kind, key))
        if push and self.remote is not None:
            self.remote.push(kind, key, paths, meta or {})
        return Entry(kind, key, meta or {}, paths)

    # ---------------------------------------------------------------- size

    def prune(self, keep: set[tuple[str, str]], limit: int | None = None,
              added: set[tuple[str, str]] | None = None) -> int:
        """Delete least recently used entries not in ``keep`` while the cache is bigger than
        ``limit`` bytes (default: twice what ``keep`` takes, and at least ``MIN_LIMIT``).
        Leftover temporary files older than an hour go too. Returns the bytes freed.

        A prune that scans the cache's files writes what it found (``usage.json``).
        ``added``: the entries written since (a build's products, wherever they were made).
        Given, with the default limit, the cache's size is taken to be the last scan's
        plus theirs, and while that is within the last scan's limit and the scan less than
        an hour old, nothing is scanned: a rebuild that made a few entries does not stat
        the thousands of files of a large cache. (A limit that shrank, with the campaign,
        or entries that other programs wrote, wait for the next scan: within the hour.)"""
        if added is not None and limit is None and self._within_last_scan(added):
            return 0
        entries = []  # (last used, size, kind, key, files)
        kept = 0
        now = time.time()
        freed = 0
        for kind_dir in self.root.iterdir():
            if kind_dir.name.startswith("."):  # a staging folder or file left by a killed build
                try:
                    if now - kind_dir.stat().st_mtime > 3600:
                        _remove(kind_dir)
                except OSError:
                    pass
                continue
            if not kind_dir.is_dir():
                continue
            groups: dict[str, list] = {}
            for sub in kind_dir.iterdir():
                if not sub.is_dir():
                    continue
                for f in sub.iterdir():
                    try:
                        st = f.stat()
                    except OSError:
                        continue
                    if f.name.startswith("."):
                        if now - st.st_mtime > 3600:
                            freed += st.st_size
                            _remove(f)
                        continue
                    key = f.name.split(".", 1)[0]
                    g = groups.setdefault(key, [0.0, 0, []])
                    g[1] += st.st_size
                    g[2].append(f)
                    if f.name == f"{key}.json":
                        g[0] = st.st_mtime
            for key, (used, size, files) in groups.items():
                if (kind_dir.name, key) in keep:
                    kept += size
                else:
                    entries.append((used, size, files))
        if limit is None:
            limit = max(2 * kept, MIN_LIMIT)
        total = kept + sum(e[1] for e in entries)
        for used, size, files in sorted(entries, key=lambda e: e[0]):
            if total <= limit:
                break
            for f in sorted(files, key=lambda f: f.suffix != ".json"):  # the JSON first
                _remove(f)
            total -= size
            freed += size
        self._write_usage({"total": total, "kept": kept, "scanned": now})
        return freed

    def _within_last_scan(self, added: set[tuple[str, str]]) -> bool:
        """Whether the last scan, less than :data:`RESCAN` ago, plus the entries ``added``
        since (their files' sizes now) stays within its limit; if so, that is recorded."""
        try:
            last = json.loads((self.root / USAGE).read_bytes())
            total, kept, scanned = int(last["total"]), int(last["kept"]), float(last["scanned"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if not 0 <= time.time() - scanned < RESCAN:
            return False
        for kind, key in added:
            folder = self._folder(kind, key)
            try:
                names = [n for n in os.listdir(folder) if n.startswith(key)]
            except OSError:
                continue
            for name in names:
                with contextlib.suppress(OSError):
                    total += (folder / name).stat().st_size
        if total > max(2 * kept, MIN_LIMIT):
            return False
        self._write_usage({"total": total, "kept": kept, "scanned": scanned})
        return True

    def _write_usage(self, usage: dict) -> None:
        with contextlib.suppress(OSError):
            _atomic_write(self.root / USAGE, json.dumps(usage).encode())

    # ---------------------------------------------------------------- input files

    def file_hashes(self) -> "FileHashes":
        return FileHashes(self.root / FILES_INDEX)


SMALL = 256 * 1024  # files below this are copied, not linked: cheap, and nothing in the
# output that a tool rewrites in place (a manifest, a page) shares its bytes with the cache


def link(src: Path, dest: Path) -> None:
    """Make ``dest`` a hard link to ``src`` (a copy for small files, or when linking fails)."""
    try:
        if os.stat(src).st_size >= SMALL:
            os.link(src, dest)
            return
    except OSError:
        pass
    shutil.copyfile(src, dest)


STAMP = ("st_size", "st_mtime_ns", "st_ino", "st_ctime_ns")  # what FileHashes compares


class FileHashes:
    """SHA-256 of input files, remembered by their stat in ``files.json``: size,
    modification time, inode and change time (ctime). A file whose stat is as remembered
    is not read again; any other is hashed. ctime is the one a user cannot set: an edit that
    keeps the size and puts the modification time back (``touch -r``, a copy with ``-p``)
    still moves it, so it is noticed. (Linking, renaming or ``chmod`` move it too: the file
    is hashed again once, to the same value.)

    A file whose modification or change time is within the last two seconds is hashed but
    not remembered: it could still change within the file system's timestamp resolution.
    """

    def __init__(self, index: Path | None):
        self.index = index
        self.known: dict[str, list] = {}
        self.facts: dict[str, dict[str, list]] = {}  # fact name → file → stamp + value
        self.facts_used: set[str] = set()
        self.changed = False
        if index is not None:
            try:
                data = json.loads(index.read_bytes())
                if isinstance(data, dict) and data.get("format") == FORMAT:
                    self.known = _stamped(data.get("files"))
                    facts = data.get("facts")
                    if isinstance(facts, dict):
                        self.facts = {n: _stamped(f) for n, f in facts.items()}
            except (OSError, ValueError):
                pass
        self.memo: dict[str, str] = {}

    def fact(self, path: Path | str, name: str, compute: Callable[[], object]):
        """``compute()``'s answer for the file at ``path`` (JSON values), remembered by its
        stat under ``name`` like a hash; ``None`` (the file is unusable) is never
        remembered, so its problem is found again, every build."""
        self.facts_used.add(name)
        return self._remembered(self.facts.setdefault(name, {}), os.path.abspath(path),
                                compute)

    def sha256(self, path: Path | str) -> str:
        name = os.path.abspath(path)
        hit = self.memo.get(name)
        if hit is None:
            hit = self.memo[name] = self._remembered(self.known, name,
                                                     lambda: file_sha256(name))
        return hit

    def _remembered(self, table: dict[str, list], name: str, compute: Callable[[], object]):
        """``table``'s answer for the file ``name`` while its stat is the one recorded with
        it, else ``compute()``'s, recorded unless None or the file changed in the last two
        seconds."""
        st = os.stat(name)
        stamp = [getattr(st, field) for field in STAMP]
        known = table.get(name)
        if known is not None and known[:-1] == stamp:
            return known[-1]
        value = compute()
        if value is not None and time.time_ns() - max(st.st_mtime_ns,
                                                       st.st_ctime_ns) > 2_000_000_000:
            table[name] = stamp + [value]
            self.changed = True
        return value

    def save(self) -> None:
        if self.index is None or not self.changed:
            return
        try:
            facts = {n: f for n, f in self.facts.items() if n in self.facts_used}
            _atomic_write(self.index, json.dumps({"format": FORMAT, "files": self.known,
                                                  "facts": facts},
                                                 sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # remembering hashes is an optimisation only
        self.changed = False


def _stamped(entries) -> dict[str, list]:
    """The well-formed entries (stat stamp + answer) of a table read from ``files.json``."""
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, list) and len(v) == len(STAMP) + 1}


def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}-{target.name}")


def _settle(tmp: Path, target: Path) -> None:
    """Put the finished temporary file ``tmp`` in place as ``target``. When ``target`` is
    already there with the same bytes (another process, another machine sharing the cache,
    made the same product), it is kept and ``tmp`` dropped: the file an entry's JSON
    recorded (size, mtime) is never swapped under it, so two writers of one entry leave
    it valid whichever writes its JSON last. Other bytes there (a stale blob) are replaced."""
    try:
        os.link(tmp, target)  # atomic, and only if there is no target yet
    except FileExistsError:
        if not filecmp.cmp(tmp, target, shallow=False):
            os.replace(tmp, target)
            return
    except OSError:  # a file system without hard links
        os.replace(tmp, target)
        return
    _remove(tmp)


def _atomic_write(target: Path, data: bytes) -> None:
    tmp = _tmp_name(target)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def _remove(path: Path) -> None:
    try:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def is_cache(folder: Path) -> bool:
    return (Path(folder) / MARKER).is_file()


def remove_cache(folder: Path) -> bool:
    """Delete a standpress cache folder; refuse a folder that is not one. True if removed."""
    folder = Path(folder)
    if not folder.exists():
        return False
    if not is_cache(folder):
        from ..errors import StandpressError

        raise StandpressError(f"{folder} is not a standpress cache (no {MARKER}); not removed")
    shutil.rmtree(folder)
    return True
