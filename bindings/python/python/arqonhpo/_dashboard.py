"""``arqonhpo.dashboard``: opens the CLI's live dashboard (``arqonhpo-cli dashboard``) for runs.

Python starts the same server the command line does, so the page, its security rules and its
decimation are written once, in the CLI. A run given as a solver, a ``minimize`` result or an
artifact dict is written to a temporary artifact file first (a snapshot); a path to a journal
or an ask/tell state file is followed live as the run writes it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import webbrowser
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Dashboard", "dashboard", "find_cli"]


def find_cli(cli: str | os.PathLike[str] | None = None) -> Path:
    """The ``arqonhpo-cli`` executable: ``cli`` if given, else ``$ARQONHPO_CLI``, else the one
    on ``PATH``. Raises FileNotFoundError saying how to get it."""
    named = cli if cli is not None else os.environ.get("ARQONHPO_CLI")
    if named is not None:
        path = Path(named)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise FileNotFoundError(f"arqonhpo-cli not found at {str(path)!r} (not an executable file)")
    found = shutil.which("arqonhpo-cli")
    if found is None:
        raise FileNotFoundError(
            "arqonhpo-cli is not on PATH: the dashboard is served by the command-line tool. "
            "Install it with `cargo install arqonhpo-cli` (or build it from the repository), "
            "or pass cli=path / set ARQONHPO_CLI."
        )
    return Path(found)


class Dashboard:
    """A running ``arqonhpo-cli dashboard``: ``url`` to open, ``close()`` (or a ``with`` block)
    to stop it.

    Examples:
        >>> import arqonhpo as aq
        >>> result = aq.minimize(lambda x: x * x, {"x": aq.Float(-1, 1)}, budget=8, seed=0)
        >>> board = result.dashboard(open_browser=False)
        >>> board.url.startswith("http://127.0.0.1:")
        True
        >>> board.close()
    """

    def __init__(
        self,
        process: subprocess.Popen[str],
        url: str,
        scratch: tempfile.TemporaryDirectory[str] | None,
    ) -> None:
        self.process = process
        self.url = url
        self._scratch = scratch

    def close(self) -> None:
        """Stops the server (as Ctrl-C would) and removes any temporary artifact."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    @property
    def running(self) -> bool:
        """Whether the server is still serving."""
        return self.process.poll() is None

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Dashboard(url={self.url!r}, running={self.running})"


def _artifact_of(run: Any) -> dict[str, Any] | None:
    """The artifact dict of a solver, a ``minimize`` result or an artifact mapping; None for a path."""
    if isinstance(run, (str, os.PathLike)):
        return None
    artifact = getattr(run, "artifact", None)
    if callable(artifact):
        artifact = artifact()
    if isinstance(artifact, Mapping):
        return dict(artifact)
    if isinstance(run, Mapping) and "trials" in run and "config" in run:
        return dict(run)
    raise TypeError(
        f"a run is a path, an ArqonSolver, a MinimizeResult or an artifact dict, not {type(run).__name__}"
    )


def dashboard(
    *runs: Any,
    port: int = 0,
    host: str | None = None,
    cli: str | os.PathLike[str] | None = None,
    open_browser: bool = True,
) -> Dashboard:
    """Serves the live dashboard for one or more runs and returns it once it listens.

    Each run is a path (artifact, journal or ask/tell state file, followed live), an
    ``ArqonSolver``, a ``MinimizeResult`` or an artifact dict (shown as it is now). ``port=0``
    picks a free port; ``host`` is passed to ``--host`` (the default serves 127.0.0.1 only).
    ``open_browser`` opens the page with :mod:`webbrowser`. Stop it with ``close()``.

    Examples:
        >>> import urllib.request, arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=6, seed=0)
        >>> for trial in solver.ask_batch(6):
        ...     solver.tell(trial, trial.params["x"])
        >>> with aq.dashboard(solver, open_browser=False) as board:
        ...     urllib.request.urlopen(board.url).status
        200
    """
    if not runs:
        raise ValueError("dashboard() needs at least one run")
    artifacts = [_artifact_of(run) for run in runs]
    program = find_cli(cli)
    scratch: tempfile.TemporaryDirectory[str] | None = None
    paths: list[str] = []
    for i, (run, artifact) in enumerate(zip(runs, artifacts)):
        if artifact is None:
            paths.append(os.fspath(run))
            continue
        if scratch is None:
            scratch = tempfile.TemporaryDirectory(prefix="arqonhpo-dashboard-")
        path = Path(scratch.name) / f"run-{i}.json"
        path.write_text(json.dumps(artifact), encoding="utf-8")
        paths.append(str(path))
    command = [str(program), "-q", "dashboard", *paths, "--port", str(port)]
    if host is not None:
        command += ["--host", host]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    match = re.search(r"http://\S+", line)
    if match is None:
        process.wait(timeout=10)
        error = process.stderr.read().strip()
        process.stdout.close()
        process.stderr.close()
        if scratch is not None:
            scratch.cleanup()
        raise RuntimeError(
            f"arqonhpo-cli dashboard did not start: {error or line.strip() or 'no output'}"
        )
    board = Dashboard(process, match.group(0), scratch)
    if open_browser:
        webbrowser.open(board.url)
    return board
