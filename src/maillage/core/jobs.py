"""Running the background worker (procrastinate).

The worker fetches jobs through its own psycopg connection (LISTEN/NOTIFY, async), while
the tasks it runs keep deferring new jobs through Django's connection, inside the
transaction of the change they announce. Hence a second app bound to the worker connector
rather than swapping the connector of the shared one, which would also change it for the web
requests served by the same process.
"""

import asyncio
import logging
import threading
import warnings

from django.db import connections
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)


def worker_app():

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return app.with_connector(app.connector.get_worker_connector())


def run_worker(**options) -> None:
    options.setdefault("delete_jobs", "successful")
    worker_app().run_worker(**options)


class BackgroundWorker(threading.Thread):
    """The worker beside the web server, in the same process (`maillage serve`). `stop()`
    ends it gracefully — the job in hand finished, its connections closed — before the
    process exits and stops the embedded database it started, so that Ctrl-C ends the demo
    without a traceback."""

    def __init__(self, **options):
        super().__init__(name="maillage-worker", daemon=True)
        self.options = {"delete_jobs": "successful", "install_signal_handlers": False, **options}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._started = threading.Event()

    def run(self) -> None:
        app = worker_app()

        async def main():
            self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
            self._started.set()
            async with app.open_async():
                # Cancelled, the worker finishes its job in hand and stops (procrastinate's
                # graceful stop), then the app closes its connections.
                await app.run_worker_async(**self.options)

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass  # stopped on purpose
        except Exception:
            logger.exception("background worker stopped")
        finally:
            self._started.set()
            connections.close_all()  # the Django connections the tasks opened in this thread

    def stop(self, timeout: float = 10.0) -> None:
        if self._started.wait(timeout=timeout) and self._loop is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self.join(timeout)
