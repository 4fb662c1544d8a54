"""A progress bar on stderr while the comparison runs: how many of the planned runs are done, the
current step, and an estimate of the time left. Log lines are printed above it. When stderr is not
a terminal (a CI log), only the log lines are printed."""

import sys
import time


class Progress:
    def __init__(self, total, stream=sys.stderr):
        self.total = max(total, 1)
        self.done = 0
        self.step = ""
        self.t0 = time.monotonic()
        self.stream = stream
        self.tty = stream.isatty()

    def log(self, msg):
        self._clear()
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=self.stream, flush=True)
        self._draw()

    def advance(self, step=None, n=1):
        self.done = min(self.done + n, self.total)
        if step is not None:
            self.step = step
        self._draw()

    def set_step(self, step):
        self.step = step
        self._draw()

    def add(self, n):
        """More runs than planned (a noisy run redone, or a phase whose size depends on results)."""
        self.total += n
        self._draw()

    def finish(self):
        self._clear()

    def _clear(self):
        if self.tty:
            self.stream.write("\r\033[K")

    def _draw(self):
        if not self.tty:
            return
        frac = self.done / self.total
        width = 30
        bar = "#" * int(frac * width) + "." * (width - int(frac * width))
        spent = time.monotonic() - self.t0
        eta = f"{(spent / frac - spent) / 60:.0f} min left" if self.done else "estimating"
        self.stream.write(f"\r\033[K[{bar}] {self.done}/{self.total} runs, {eta}: {self.step[:60]}")
        self.stream.flush()
