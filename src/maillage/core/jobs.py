"""Running the background worker (procrastinate).

The worker fetches jobs through its own psycopg connection (LISTEN/NOTIFY, async), while
the tasks it runs keep deferring new jobs through Django's connection, inside the
transaction of the change they announce. Hence a second app bound to the worker connector
rather than swapping the connector of the shared one, which would also change it for the web
requests served by the same process.
"""

import warnings

from procrastinate.contrib.django import app


def worker_app():

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return app.with_connector(app.connector.get_worker_connector())


def run_worker(**options) -> None:
    options.setdefault("delete_jobs", "successful")
    worker_app().run_worker(**options)
