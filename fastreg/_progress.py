"""A small progress bar on stderr for the ``fastreg`` command, drawn only on a terminal.

No dependency: one line redrawn with a carriage return, at most ten times a second, erased
when the work is done or interrupted, so that what follows (a summary, or the one-line
message of Ctrl-C) starts on a clean line. When the stream is not a terminal (a file, a pipe,
a test's captured output) nothing is written at all.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

__all__ = ["Progress"]

_BAR_WIDTH = 24
_MIN_INTERVAL_S = 0.1


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """A progress bar over ``total`` steps, used as a context manager.

    Parameters
    ----------
    total : int
        Number of steps (for example, fits along a path times cross-validation folds).
    label : str
        What is being done, shown left of the bar.
    enabled : bool, default=True
        False never draws (``--quiet``); True draws only when ``stream`` is a terminal.
    stream : file-like, optional
        Where to draw; ``sys.stderr`` (as it is when the bar is created) by default.

    Examples
    --------
    >>> with Progress(3, "path", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.advance()
    >>> bar.count
    3
    """

    def __init__(self, total: int, label: str, *, enabled: bool = True,
                 stream: TextIO | None = None) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.count = 0
        self.stream = sys.stderr if stream is None else stream
        self.active = enabled and _is_terminal(self.stream)
        self._start = time.perf_counter()
        self._last_draw = -float("inf")
        self._width = 0  # characters of the line drawn last

    def __enter__(self) -> Progress:
        self._start = time.perf_counter()
        self._draw(force=True)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close()

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        """Count ``steps`` more steps done (and change the label if one is given)."""
        self.count = min(self.count + steps, self.total)
        if label is not None:
            self.label = label
        self._draw(force=self.count == self.total)

    def close(self) -> None:
        """Erase the bar, leaving the cursor at the start of a clean line."""
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def render(self) -> str:
        """The text of the bar: label, bar, percentage, count, elapsed and remaining time."""
        fraction = self.count / self.total
        filled = int(round(fraction * _BAR_WIDTH))
        elapsed = time.perf_counter() - self._start
        text = (f"{self.label} [{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] "
                f"{fraction:4.0%} {self.count}/{self.total} {_clock(elapsed)}")
        if 0 < self.count < self.total:
            text += f" eta {_clock(elapsed * (self.total - self.count) / self.count)}"
        return text

    def _draw(self, force: bool = False) -> None:
        if not self.active:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < _MIN_INTERVAL_S:
            return
        self._last_draw = now
        columns = shutil.get_terminal_size(fallback=(80, 24)).columns
        text = self.render()[: max(columns - 1, 10)]
        self.stream.write("\r" + text + " " * max(self._width - len(text), 0))
        self.stream.flush()
        self._width = len(text)
