"""Live preview, the library behind ``standpress serve`` and ``standpress watch``
(their commands are in ``cli/live.py``).

The server serves an output folder (``stands/``) on the loopback interface with
:class:`http.server.ThreadingHTTPServer`, sending ``Cache-Control: no-store``
so a reload always shows the files on disk. One extra endpoint,
``/__standpress/version``, answers ``{"version": TOKEN}``; the token changes
whenever a build publishes (it hashes ``stands.json``, ``index.html`` and
``preflight.json`` with their sizes and modification times, so no build code
has to cooperate). Every HTML page it sends carries a small script
(:data:`LIVE_RELOAD`, added on the way out: the files on disk are untouched)
that polls the version once a second and reloads the page when it changes;
opened from ``file://`` or from any other web server the pages never poll.

The watcher polls the inputs (no extra dependency: :func:`os.scandir` sizes and
modification times) — the cases file and its photos, ``locations.toml``,
``templates/``, ``fonts/``, ``profiles/`` — and on a change, once the files
have been quiet for a moment, runs the build through the library. A failed
build prints its problems and the watch goes on: the build publishes
atomically, so the preview keeps the last good output. The build's own cache
makes a rebuild after one edit redo only what that edit touched.

:class:`Watcher` is the testable core: :meth:`Watcher.snapshot`,
:meth:`Watcher.changed`, :meth:`Watcher.poll` and :meth:`Watcher.run_once`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import StandpressError

__all__ = ["VERSION_PATH", "LOOPBACK", "version_token", "make_server", "server_url",
           "start_server", "Watcher", "echo_problems"]

VERSION_PATH = "/__standpress/version"
#: the files a build publishes last; their bytes and stat change with every publish
VERSION_FILES = ("stands.json", "index.html", "preflight.json", ".standpress-owned.json")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}

#: Put before ``</body>`` of every HTML page the server sends (the files on disk stay as
#: the build wrote them, so from ``file://`` or another web server the pages never poll).
#: Polls the version once a second and reloads when it differs from the version the page
#: was sent with (``@VERSION@``); while the server is away it retries less and less often.
LIVE_RELOAD = f"""<script>/* standpress serve: live reload */
(function () {{
  var seen = "@VERSION@", wait = 1000;
  function poll() {{
    fetch("{VERSION_PATH}", {{cache: "no-store"}}).then(function (r) {{
      return r.ok ? r.json() : null;
    }}).then(function (j) {{
      if (!j || typeof j.version !== "string") return;
      if (j.version !== seen) {{ location.reload(); return; }}
      wait = 1000; setTimeout(poll, wait);
    }}, function () {{ wait = Math.min(wait * 2, 30000); setTimeout(poll, wait); }});
  }}
  if (window.fetch && /^https?:$/.test(location.protocol)) setTimeout(poll, wait);
}})();
</script>
"""

Snapshot = dict[Path, tuple[int, int]]  # path → (mtime_ns, size)


# ---------------------------------------------------------------- version token

def version_token(out: Path) -> str:
    """A token that changes every time a build publishes into ``out``.

    SHA-256 over the name, size, modification time and bytes of each of
    :data:`VERSION_FILES` (a missing file counts as missing). A publish
    rewrites ``stands.json`` and ``.standpress-owned.json`` even when their
    bytes are the same, so a rebuild after a photo edit changes it too.
    """
    h = hashlib.sha256()
    for name in VERSION_FILES:
        p = Path(out) / name
        h.update(name.encode() + b"\0")
        try:
            st = p.stat()
            h.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
            h.update(p.read_bytes())
        except OSError:
            h.update(b"-\0")
    return h.hexdigest()[:32]


# ---------------------------------------------------------------- the server

class _Handler(SimpleHTTPRequestHandler):
    """Static files from the output folder, no caching, plus the version endpoint."""

    server_version = "standpress"
    out: Path = Path("stands")  # set per server by make_server
    log: Callable[[str], None] | None = None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store, max-age=0")
        super().end_headers()

    def _version(self, head: bool) -> None:
        body = json.dumps({"version": version_token(self.out)}).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _page(self) -> Path | None:
        """The HTML file a request names (a folder's index.html too), else None."""
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        p = Path(self.translate_path(self.path))
        if p.is_dir():
            if not url_path.endswith("/"):
                return None  # the base class redirects to the folder's URL
            p = p / "index.html"
        return p if p.suffix.lower() in (".html", ".htm") and p.is_file() else None

    def _send_page(self, page: Path, head: bool) -> None:
        version = version_token(self.out)  # before reading: a publish in between reloads once
        try:
            data = page.read_bytes()
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        at = data.lower().rfind(b"</body>")
        script = LIVE_RELOAD.replace("@VERSION@", version).encode()
        data = data[:at] + script + data[at:] if at >= 0 else data + script
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _route(self, head: bool) -> bool:
        if self.path.split("?", 1)[0] == VERSION_PATH:
            self._version(head)
            return True
        if self.path.split("?", 1)[0] == "/favicon.ico" and not (self.out / "favicon.ico").is_file():
            self.send_response(HTTPStatus.NO_CONTENT)  # the site has none: no 404 in the console
            self.end_headers()
            return True
        page = self._page()
        if page is not None:
            self._send_page(page, head)
            return True
        return False

    def do_GET(self) -> None:  # noqa: N802 (http.server's names)
        if not self._route(head=False):
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._route(head=True):
            super().do_HEAD()

    def log_request(self, code="-", size="-") -> None:
        # the pages poll the version once a second: only trouble is worth a line
        try:
            failed = int(getattr(code, "value", code)) >= 400
        except (TypeError, ValueError):
            failed = False
        if failed and self.log:
            self.log(f"{self.command} {self.path} → {int(getattr(code, 'value', code))}")

    def log_error(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass  # log_request reports the failed request once


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a browser that went away mid-response
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(out: Path, host: str = "127.0.0.1", port: int = 8000,
                log: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """A server for ``out`` bound to ``host:port`` (port 0: a free one), not yet started."""
    out = Path(out).resolve()
    handler = type("Handler", (_Handler,), {"out": out, "log": staticmethod(log) if log else None})
    cls = _Server6 if ":" in host else _Server
    return cls((host, port), functools.partial(handler, directory=str(out)))


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    if host in ("0.0.0.0", "::"):
        host = "localhost"
    if ":" in str(host):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def start_server(out: Path, host: str = "127.0.0.1", port: int = 0,
                 log: Callable[[str], None] | None = None) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start a server in a daemon thread; stop it with ``server.shutdown(); server.server_close()``."""
    server = make_server(out, host, port, log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="standpress-serve", daemon=True)
    thread.start()
    return server, thread


# ---------------------------------------------------------------- the watcher

class Watcher:
    """Polls a build's inputs and rebuilds when they change.

    ``build`` is the function to run (default :func:`standpress.pipeline.build`); it gets the
    :class:`~standpress.pipeline.BuildOptions` and a progress callback. ``echo`` prints a
    line (default: to stderr).
    """

    SKIP_DIRS = {"__pycache__", "node_modules"}

    def __init__(self, opts, *, interval: float = 0.5, debounce: float = 0.3,
                 build: Callable | None = None, echo: Callable[[str], None] | None = None,
                 verbose: bool = False):
        self.opts = opts
        self.interval = interval
        self.debounce = debounce
        self._build = build
        self.echo = echo or (lambda s: print(s, file=sys.stderr, flush=True))
        self.verbose = verbose
        self.builds = 0  # builds started
        self.failures = 0
        self.last_result = None
        self.last_error: BaseException | None = None
        self._photo_dirs: set[Path] = set()
        self._warned: set[str] = set()
        self.baseline: Snapshot = self.snapshot()

    # what to watch --------------------------------------------------------

    @property
    def cases(self) -> Path:
        return Path(self.opts.cases).resolve()

    @property
    def locations(self) -> Path:
        return Path(self.opts.locations).resolve()

    def roots(self) -> list[tuple[Path, bool]]:
        """(path, recursive) pairs: files, and folders to scan."""
        root = self.locations.parent
        data = self.cases.parent
        found: list[tuple[Path, bool]] = [(self.cases, False), (self.locations, False)]
        found += [(root / name, True) for name in ("templates", "fonts", "profiles")]
        found.append((data / "photos", True))
        found += [(d, False) for d in sorted(self._photo_dirs)]
        return found

    def _excluded(self) -> Path:
        return Path(self.opts.out).resolve()

    def _scan(self, folder: Path, recursive: bool, into: Snapshot, out_dir: Path) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:  # missing or unreadable: nothing to see
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith("~"):
                continue  # editors' swap and backup files, hidden folders
            try:
                if entry.is_dir(follow_symlinks=True):
                    if recursive and entry.name not in self.SKIP_DIRS:
                        sub = Path(entry.path)
                        if sub.resolve() != out_dir:
                            self._scan(sub, True, into, out_dir)
                    continue
                st = entry.stat(follow_symlinks=True)
            except OSError:
                continue  # vanished between the listing and the stat
            into[Path(entry.path)] = (st.st_mtime_ns, st.st_size)

    def snapshot(self) -> Snapshot:
        """Every watched file with its (mtime_ns, size)."""
        snap: Snapshot = {}
        out_dir = self._excluded()
        for path, recursive in self.roots():
            try:
                if path.is_file():
                    st = path.stat()
                    snap[path] = (st.st_mtime_ns, st.st_size)
                elif path.is_dir():
                    self._scan(path, recursive, snap, out_dir)
            except OSError:
                continue
        return snap

    @staticmethod
    def changed(old: Snapshot, new: Snapshot) -> list[Path]:
        """Files added, removed or modified between two snapshots, sorted."""
        return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))

    # building -------------------------------------------------------------

    def _discover_photos(self) -> None:
        """Folders of the photos the cases name (beyond ``photos/``), for the next snapshots."""
        try:
            from .load.cases import load_cases
            from .load.config import load_project

            project, _ = load_project(self.locations)
            cases, _ = load_cases(self.cases, project.campaign)
            self._photo_dirs |= {Path(c.photo).resolve().parent for c in cases
                                 if getattr(c, "photo", None)}
        except Exception:  # noqa: BLE001 — the build itself reports bad input
            pass

    def run_once(self, reason: Iterable[Path] = ()) -> object | None:
        """One build now. Returns the build's result, or None when it failed (and says why)."""
        reason = list(reason)
        before = self.snapshot()  # edits made while building trigger the next build
        self.builds += 1
        started = time.monotonic()
        build = self._build
        if build is None:
            from .pipeline import build
        progress = (lambda s: self.echo(f"  · {s}")) if self.verbose else (lambda s: None)
        stamp = datetime.now().strftime("%H:%M:%S")
        what = f" ({_describe(reason)})" if reason else ""
        try:
            result = build(self.opts, progress)
        except StandpressError as exc:
            self.failures += 1
            self.last_error = exc
            self.echo(f"{stamp} ✗ build failed after {time.monotonic() - started:.1f} s{what}: "
                      f"{exc.message}")
            echo_problems(exc.problems, self.echo)
            self.echo("  the preview keeps the last good build; fix the input and save again")
            result = None
        except Exception as exc:  # noqa: BLE001 — a bug: say so, keep watching
            self.failures += 1
            self.last_error = exc
            self.echo(f"{stamp} ✗ internal error after {time.monotonic() - started:.1f} s{what}: "
                      f"{type(exc).__name__}: {exc} (a bug in standpress; the watch goes on)")
            result = None
        else:
            self.last_error = None
            self.echo(f"{stamp} ✓ {_summary(result)} in {time.monotonic() - started:.1f} s{what}")
            warnings = [str(w) for w in getattr(result, "warnings", []) or []]
            new = [w for w in getattr(result, "warnings", []) or [] if str(w) not in self._warned]
            if new:  # each warning once, not on every rebuild
                echo_problems(new, self.echo)
            self._warned = set(warnings)
        self.last_result = result
        # photo folders the cases name, found now, join the watch; their files as they are
        # now form part of the baseline, which is otherwise what was on disk before the
        # build, so an edit saved during the build is seen by the next poll
        known = set(self._photo_dirs)
        self._discover_photos()
        extra: Snapshot = {}
        for d in sorted(self._photo_dirs - known):
            self._scan(d, False, extra, self._excluded())
        self.baseline = {**extra, **before}
        return result

    def poll(self) -> list[Path]:
        """Compare with the last snapshot; on a change wait until quiet, then build once.

        Returns the files that changed (empty: nothing to do, no build ran).
        """
        current = self.snapshot()
        diff = self.changed(self.baseline, current)
        if not diff:
            return []
        deadline = time.monotonic() + max(5.0, 10 * self.debounce)
        while True:  # debounce: an editor's save is often several writes
            time.sleep(self.debounce)
            later = self.snapshot()
            if later == current or time.monotonic() > deadline:
                break
            current = later
        diff = self.changed(self.baseline, current)
        self.run_once(diff)
        return diff

    def loop(self, stop: threading.Event | None = None) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.poll()
            stop.wait(self.interval)


def _describe(paths: list[Path], limit: int = 3) -> str:
    names = []
    for p in paths[:limit]:
        try:
            names.append(str(p.resolve().relative_to(Path.cwd().resolve())))
        except ValueError:
            names.append(str(p))
    more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
    return "changed: " + ", ".join(names) + more


def _summary(result) -> str:
    stands = getattr(result, "stands", []) or []
    panels = sum(getattr(s, "panels", 0) for s in stands)
    warnings = len(getattr(result, "warnings", []) or [])
    text = f"built {len(stands)} stand{'' if len(stands) == 1 else 's'}, {panels} panels"
    made, reused = getattr(result, "rendered", None), getattr(result, "reused", None)
    if isinstance(made, list) and isinstance(reused, int):  # the build cache's account
        text += f" ({len(made)} made, {reused} reused from the cache)"
    if warnings:
        text += f", {warnings} warning{'' if warnings == 1 else 's'}"
    return text


def echo_problems(problems, echo: Callable[[str], None]) -> None:
    """Problems as the CLI prints them (``  error: file:place: field: message — hint``)."""
    for p in problems:
        echo(f"  {'error' if p.is_error else 'warning'}: {p}")
