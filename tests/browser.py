"""A headless Chromium driven over the DevTools protocol on a pipe: no Playwright, no port.

Chromium started with `--remote-debugging-pipe` reads protocol commands from its fd 3 and
writes replies and events to its fd 4, one JSON message per NUL-terminated frame. `Browser`
opens a page, waits for its load event and evaluates JavaScript in it, so a test can click,
type and read the DOM back. Every wait has a timeout; none sleeps.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

HEADLESS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")


def find_chromium() -> str | None:
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)


class BrowserError(RuntimeError):
    """Chromium said no, went away, or did not answer in time."""


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, profile: Path, *, executable: str | None = None, timeout: float = 60):
        self.timeout = timeout
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        to_child, self._write = os.pipe()  # Chromium reads commands on its fd 3
        self._read, from_child = os.pipe()  # and writes replies on its fd 4

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            high_in = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        command = [executable or find_chromium() or "chromium", *HEADLESS,
                   f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        pass_fds=(3, 4), preexec_fn=wire)
        os.close(to_child)
        os.close(from_child)
        try:
            pages = [t for t in self.send("Target.getTargets")["targetInfos"]
                     if t["type"] == "page"]
            target = pages[0]["targetId"] if pages else self.send(
                "Target.createTarget", url="about:blank")["targetId"]
            self.session = self.send("Target.attachToTarget", targetId=target,
                                     flatten=True)["sessionId"]
            self.send("Page.enable", session=True)
            self.send("Runtime.enable", session=True)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Ask Chromium to quit (so that it ends its own helper processes), then make sure."""
        if self.process.poll() is None and self._write >= 0:
            with contextlib.suppress(BrowserError, OSError):
                self.timeout = 10
                self.send("Browser.close")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        for fd in (self._write, self._read):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._write = self._read = -1
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # --- the protocol ---------------------------------------------------------------------

    def _frame(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from Chromium in {self.timeout:.0f} s")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 16)
                if not chunk:
                    raise BrowserError(f"Chromium exited (code {self.process.poll()})")
                self._buffer += chunk
        frame, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(frame)

    def send(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one command and return its result (events that come first are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._frame(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_for(self, event: str) -> dict:
        """The next protocol event of this name (one that came already counts)."""
        deadline = time.monotonic() + self.timeout
        while True:
            for k, seen in enumerate(self._events):
                if seen["method"] == event:
                    return self._events.pop(k)
            reply = self._frame(deadline)
            if "method" in reply:
                self._events.append(reply)

    # --- a page ---------------------------------------------------------------------------

    def open(self, page: Path | str) -> None:
        """Load a page and wait for its load event."""
        url = page.resolve().as_uri() if isinstance(page, Path) else page
        self._events = [e for e in self._events if e["method"] != "Page.loadEventFired"]
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description")
                               or details.get("text", "exception"))
        return result["result"].get("value")

    def insert_text(self, text: str) -> None:
        """Type into the focused element, as a keyboard would (input events fire)."""
        self.send("Input.insertText", session=True, text=text)
