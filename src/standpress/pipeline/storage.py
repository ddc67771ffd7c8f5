"""The cache's shared store behind an ``fsspec`` URL (``--cache s3://bucket/standpress``).

A cache given as a folder is that folder (:class:`~.cache.Cache`, shared storage mounted
at the same path everywhere). A cache given as a URL of a file system ``fsspec`` knows is
two things: the *store* at that URL, which every machine of a build reads and writes, and
on each machine a *mirror*, a cache folder of its own
(``$STANDPRESS_CACHE_MIRROR``, else the temporary folder, then ``standpress-cache-mirror/``
and a hash of the URL), which the tasks and the assembly read files from as before. A
product made on one machine is written into its mirror and pushed to the store; a
machine that needs a product its mirror lacks fetches it from the store into its mirror.

The store's layout is the cache folder's (``<kind>/<kk>/<key>.json`` and
``<key>.<name>``, the marker ``standpress-cache.json`` at the top), but an entry's JSON
records each blob's size and SHA-256 (a store's modification times are not the
mirror's): a fetched entry whose blobs do not match is not used, and the product is made
again.

Writing is put-if-absent and atomic: each file goes to a temporary name beside its place
(``.tmp-…``) and is moved into place only if nothing is there yet (a key names its
bytes, so what is there is the same product, made by another worker); the entry's JSON
goes last. A reader sees a whole entry or none. On a local or mounted file system
(``file://``) the move is a rename; on an object store a whole object appears at once.
Two writers racing past the "absent" test both move the same bytes into place.

``memory://`` is a store inside one process: it serves a build with ``--jobs 1`` (and
the tests), not worker processes, which each have their own. Publishing stays on the
machine that ran ``build``; the store is never pruned by a build (each mirror is).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import uuid
from pathlib import Path

FORMAT = 1
MARKER = "standpress-cache.json"
MIRROR_ENV = "STANDPRESS_CACHE_MIRROR"
# a URL, also as a Path spells it (``s3://b/x`` becomes ``s3:/b/x``): two letters or more
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):/+(.*)$", re.S)


def url_of(root: object) -> str | None:
    """The URL of the store ``root`` names (a string or a Path made from one), or None
    for a plain folder. Only protocols ``fsspec`` knows count."""
    m = _URL.match(str(root))
    if m is None:
        return None
    scheme, rest = m.group(1).lower(), m.group(2)
    try:
        import fsspec
    except ImportError:
        return None
    if scheme not in fsspec.available_protocols():
        return None
    if scheme in ("file", "local"):
        return "file:///" + rest.lstrip("/")
    return f"{scheme}://{rest}"


def mirror_dir(url: str) -> Path:
    """This machine's mirror of the store at ``url``."""
    base = Path(os.environ.get(MIRROR_ENV) or Path(tempfile.gettempdir()) /
                "standpress-cache-mirror")
    return base / hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def remote_store(root: object) -> "RemoteStore | None":
    """A :class:`RemoteStore` when ``root`` is a URL, else None."""
    url = url_of(root)
    return RemoteStore(url) if url else None


class RemoteStore:
    """The store at an ``fsspec`` URL (see the module docstring)."""

    def __init__(self, url: str):
        from fsspec.core import url_to_fs

        self.url = url
        try:
            self.fs, self.base = url_to_fs(url)
        except ImportError as exc:  # the protocol's package (s3fs, gcsfs…) is missing
            from ..errors import StandpressError

            raise StandpressError(f"--cache {url}: {exc}") from None
        self.base = self.base.rstrip("/")
        self.mirror = mirror_dir(url)

    def _path(self, kind: str, key: str, name: str) -> str:
        return f"{self.base}/{kind}/{key[:2]}/{key}.{name}"

    # ---------------------------------------------------------------- set up

    def open(self) -> None:
        """Create the store's marker if needed; refuse a location holding something else."""
        marker = f"{self.base}/{MARKER}"
        if self.fs.exists(marker):
            return
        try:
            there = self.fs.ls(self.base, detail=False) if self.fs.exists(self.base) else []
        except (FileNotFoundError, NotADirectoryError):
            there = []
        if [t for t in there if not t.rstrip("/").rsplit("/", 1)[-1].startswith(".tmp-")]:
            # (another machine's marker on its way in is not "something else")
            from ..errors import StandpressError

            raise StandpressError(f"{self.url} is not empty and is not a standpress cache; "
                                  "choose another --cache URL")
        self.put_if_absent(marker, (json.dumps({"format": FORMAT}) + "\n").encode())

    def reachable(self) -> bool:
        """Whether this machine sees the store (its marker)."""
        try:
            return bool(self.fs.exists(f"{self.base}/{MARKER}"))
        except OSError:
            return False

    # ---------------------------------------------------------------- entries

    def fetch(self, kind: str, key: str) -> tuple[dict, dict[str, bytes]] | None:
        """The entry's meta and blobs from the store, or None (absent, or not whole)."""
        try:
            record = json.loads(self.fs.cat_file(self._path(kind, key, "json")))
            if record.get("format") != FORMAT or record.get("key") != key:
                return None
            blobs = {}
            for name, blob in record["blobs"].items():
                data = self.fs.cat_file(self._path(kind, key, name))
                if len(data) != blob["size"] or hashlib.sha256(data).hexdigest() != blob["sha256"]:
                    return None
                blobs[name] = data
            return record.get("meta", {}), blobs
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def push(self, kind: str, key: str, files: dict[str, Path], meta: dict) -> None:
        """Put an entry's blobs (files of the mirror), then its JSON, into the store."""
        blobs = {}
        for name, path in files.items():
            data = Path(path).read_bytes()
            blobs[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            self.put_if_absent(self._path(kind, key, name), data)
        record = {"format": FORMAT, "kind": kind, "key": key, "blobs": blobs, "meta": meta}
        self.put_if_absent(self._path(kind, key, "json"),
                           json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def put_if_absent(self, target: str, data: bytes) -> bool:
        """Write ``data`` at ``target`` through a temporary name, unless a file of the same
        size is there already (the same product: its key names its bytes). True if
        written."""
        try:
            if self.fs.size(target) == len(data):
                return False
        except (FileNotFoundError, OSError):
            pass
        folder, name = target.rsplit("/", 1)
        tmp = f"{folder}/.tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}-{name}"
        self.fs.makedirs(folder, exist_ok=True)
        try:
            self.fs.pipe_file(tmp, data)
            self.fs.mv(tmp, target)
        except BaseException:
            try:
                self.fs.rm(tmp)
            except (OSError, FileNotFoundError):
                pass
            raise
        return True
