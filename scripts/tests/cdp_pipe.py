"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe.

Chromium reads commands on fd 3 and writes replies and events on fd 4, each a
JSON message ended by a NUL byte. A pipe needs no port, no network and no
websocket library, so the report tests run offline on Debian's `chromium`.

Used by scripts/tests/test_reports.py.
"""

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time


def find_chromium():
    """The Chromium binary (Debian: `chromium`), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """Headless Chromium driven through the DevTools pipe; one page at a time."""

    def __init__(self, executable, timeout=30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="fleet-audit-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # The child's ends above 9, so that moving them onto 3 and 4 overwrites neither.
        child_read = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_write = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)
        arguments = [
            "--headless",
            "--remote-debugging-pipe",
            "--no-sandbox",  # containers and CI run as root, where the sandbox refuses to start
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        self._log = open(os.path.join(self.profile, "stderr.log"), "wb")
        # A tiny Python launcher moves the pipe ends to fds 3 and 4, where Chromium
        # expects them (dash, Debian's sh, cannot redirect descriptors above 9).
        launcher = (
            "import os, sys\n"
            "read, write = int(sys.argv[1]), int(sys.argv[2])\n"
            "os.dup2(read, 3)\nos.dup2(write, 4)\nos.close(read)\nos.close(write)\n"
            "os.execv(sys.argv[3], sys.argv[3:])\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", launcher, str(child_read), str(child_write), executable, *arguments],
            pass_fds=(child_read, child_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: Chromium's log cannot fill a buffer nobody reads and stall it.
            stderr=self._log,
        )
        os.close(child_read)
        os.close(child_write)
        self._buffer = b""
        self._next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for descriptor in (self._to_browser, self._from_browser):
            try:
                os.close(descriptor)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def log(self):
        """What Chromium wrote to stderr so far (for failure messages)."""
        try:
            with open(os.path.join(self.profile, "stderr.log"), "rb") as log:
                return log.read().decode(errors="replace")[-2000:]
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CDPError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CDPError(f"Chromium closed the pipe (exit status {self.process.poll()}): {self.log()}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, wait=True):
        """Sends a command (to the attached page unless session=False) and returns its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._record(reply)

    def _record(self, event):
        if "method" not in event:
            return
        self.events.append(event)
        # A dialog (alert, confirm) stops the page until it is answered: answer it, keep the record.
        if event["method"] == "Page.javascriptDialogOpening":
            self.send("Page.handleJavaScriptDialog", {"accept": True}, wait=False)

    def wait_for(self, method, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        for event in self.events:
            if event["method"] == method:
                return event
        while True:
            event = self._read_message(deadline)
            self._record(event)
            if event.get("method") == method:
                return event

    def open(self, url, before_load=None):
        """Opens `url` in a new page, with console, log and dialog events recorded, and waits for its load."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        if before_load:
            self.send("Page.addScriptToEvaluateOnNewDocument", {"source": before_load})
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise CDPError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def settle(self, seconds=0.3):
        """Reads the events that arrive within `seconds` (console messages after the load)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._record(self._read_message(deadline))
        except CDPError:
            pass

    def console_errors(self):
        """Console errors, uncaught exceptions and error log entries (CSP violations, failed loads)."""
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(str([argument.get("value") for argument in params.get("args", [])]))
            elif event["method"] == "Runtime.exceptionThrown":
                errors.append(str(params.get("exceptionDetails", {}).get("text")))
            elif event["method"] == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(params["entry"].get("text", ""))
        return errors

    def dialogs(self):
        return [event["params"] for event in self.events if event["method"] == "Page.javascriptDialogOpening"]
