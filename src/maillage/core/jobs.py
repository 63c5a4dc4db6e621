"""Running the background worker (procrastinate).

The worker fetches jobs through its own psycopg connection (LISTEN/NOTIFY, async), while
the tasks it runs keep deferring new jobs through Django's connection, inside the
transaction of the change they announce. Hence a second app bound to the worker connector
rather than swapping the connector of the shared one, which would also change it for the web
requests served by the same process.
"""

import asyncio
import contextlib
import logging
import threading
import warnings

from asgiref.sync import sync_to_async
from django.db import connections
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 8


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
        self.options = {
            "delete_jobs": "successful",
            "install_signal_handlers": False,
            # A job still running when asked to stop is given this long, then cancelled:
            # the stop stays bounded, within stop()'s wait.
            "shutdown_graceful_timeout": STOP_GRACE_SECONDS,
            **options,
        }
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._started = threading.Event()

    def run(self) -> None:
        app = worker_app()

        async def main():
            self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
            self._started.set()
            try:
                async with app.open_async():
                    # Cancelled, the worker finishes its job in hand and stops
                    # (procrastinate's graceful stop), then the app closes its connections.
                    await app.run_worker_async(**self.options)
            finally:
                # The Django connections that procrastinate's deferrer used, from asgiref's
                # executor thread, are closed there too (idle, they would outlive the worker).
                await sync_to_async(connections.close_all)()

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass  # stopped on purpose
        except Exception:
            logger.exception("background worker stopped")
        finally:
            self._started.set()
            connections.close_all()  # the Django connections the tasks opened in this thread

    def stop(self, timeout: float = STOP_GRACE_SECONDS + 5) -> None:
        self._started.wait(timeout=timeout)
        loop = self._loop
        if self.is_alive() and loop is not None and not loop.is_closed():
            # RuntimeError: the loop closed in between, the worker has stopped on its own.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._task.cancel)
        self.join(timeout)
        if self.is_alive():
            logger.warning("the background worker did not stop within %s s", timeout)
