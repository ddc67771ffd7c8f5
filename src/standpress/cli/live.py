"""``standpress serve`` and ``standpress watch``: the live preview (``serve.py``) from the
command line."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import StandpressError
from ..pipeline import BuildOptions
from .common import handle_errors
from .options import build_inputs

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

# (``..serve`` — the server, the site, the watcher — is imported by the commands that use
# it, so that ``standpress build`` does not load it)


def _bind(out: Path, host: str, port: int) -> ThreadingHTTPServer:
    from ..serve import make_server

    try:
        return make_server(out, host, port, log=lambda s: click.echo(f"  {s}", err=True))
    except OSError as exc:
        hint = " (is another server running? try --port)" if port else ""
        raise StandpressError(f"cannot serve on {host}:{port}: {exc.strerror or exc}{hint}") from None


def _announce(server: ThreadingHTTPServer, out: Path, host: str) -> None:
    from ..serve import LOOPBACK, server_url

    click.echo(f"Serving {out} at {server_url(server)}  (Ctrl-C to stop)")
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: other machines on the network can see the "
                   "preview", err=True)


def _stop(server: ThreadingHTTPServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True,
              help="The folder to serve (a build's output).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is this machine only.")
@handle_errors
def serve(out: Path, port: int, host: str) -> None:
    """Serve the preview site in OUT on localhost; open pages reload after each build."""
    if not (out / "index.html").is_file():
        raise StandpressError(f"{out} has no preview site (index.html); "
                              "run standpress build first, or standpress watch")
    server = _bind(out, host, port)
    _announce(server, out, host)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()


@click.command()
@build_inputs
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port of the preview server (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address the preview server listens on.")
@click.option("--serve/--no-serve", "serve_", default=True, show_default=True,
              help="Also serve the preview site.")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds between looks at the inputs.")
@click.option("--check/--no-check", "check_", default=False, show_default=True,
              help="Run the preflight on every rebuild (slower).")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0,
              help="Processes for the previews [default: one per core].")
@click.option("-v", "--verbose", is_flag=True,
              help="Print the build's progress lines, and every warning (not one line per kind).")
@handle_errors
def watch(cases: Path, locations: Path, out: Path, only: tuple[str, ...], port: int, host: str,
          serve_: bool, interval: float, check_: bool, allow_low_res: bool, fix_lookalikes: bool,
          svg: bool, svg_photos: str, jobs: int, verbose: bool) -> None:
    """Rebuild when the data, photos, templates, fonts or locations change; serve the preview."""
    opts = BuildOptions(cases=cases, locations=locations, out=out, only=only,
                        fix_lookalikes=fix_lookalikes, allow_low_res=allow_low_res, svg=svg,
                        svg_photos=svg_photos, check=check_, site=True, jobs=jobs)
    server = None
    try:
        if serve_:
            out.mkdir(parents=True, exist_ok=True)
            server = _bind(out, host, port)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                             name="standpress-serve", daemon=True).start()
            _announce(server, out, host)
        from ..serve import Watcher

        watcher = Watcher(opts, interval=interval, verbose=verbose,
                          echo=lambda s: click.echo(s, err=True))
        click.echo(f"Watching {len(watcher.baseline)} files: {cases}, {locations}, templates/, "
                   "fonts/, profiles/ and the photos  (Ctrl-C to stop)", err=True)
        watcher.run_once()
        watcher.loop()
    except KeyboardInterrupt:
        click.echo("Stopped; the output folder holds the last good build.", err=True)
    finally:
        _stop(server)
