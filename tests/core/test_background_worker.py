"""`maillage serve` runs the job worker beside the web server: Ctrl-C must stop it before the
embedded database goes, or its LISTEN connection dies with a traceback."""

import time

from django.db import connection

from maillage.core.jobs import BackgroundWorker


def _registered_workers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def test_the_worker_beside_the_server_stops_cleanly_when_asked(committed):
    with committed():  # the worker's own connection sees only committed rows
        _run_and_stop()


def _run_and_stop():
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        started = cursor.fetchone()[0]
    worker = BackgroundWorker(concurrency=1)
    worker.start()
    deadline = time.monotonic() + 20
    while _registered_workers() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _registered_workers() == 1  # it runs: registered, listening
    worker.stop(timeout=15)
    assert not worker.is_alive()
    # A graceful stop: the worker unregistered itself (a killed one would stay, stalled).
    assert _registered_workers() == 0
    # The periodic deferrer reached the database through Django's connector, from asgiref's
    # executor threads, whose idle connections outlive the worker (a process ends them at
    # exit): end them so that the test database can be dropped.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid() AND state = 'idle' "
            "AND backend_start >= %s",
            [started],
        )
