"""The polling loop: `vitrina inbox_poll` in production, a thread of the demo process."""

import logging
import threading

from django.db import close_old_connections

from vitrina.inbox.polling import inbox_poll_all

logger = logging.getLogger(__name__)


class Poller:
    def __init__(self, *, interval: float = 10):
        self.interval = interval
        self.stopping = threading.Event()

    def run_once(self) -> dict[int, int]:
        return inbox_poll_all()

    def run_forever(self, report=None) -> None:
        while not self.stopping.is_set():
            try:
                results = self.run_once()
                close_old_connections()
            except Exception:
                # A broken round (the database away for a moment) must not end the loop.
                logger.exception("inbox polling round failed")
            else:
                if report:
                    report(results)
            self.stopping.wait(self.interval)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="vitrina-inbox", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
