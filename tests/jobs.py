"""Running deferred background jobs inside a test's transaction.

procrastinate defers a job by inserting a row with Django's connection, in the caller's
transaction. The real worker reads committed rows from other connections, which a test's
rolled-back transaction never has: `run_jobs()` plays the worker's part in-process, calling
each pending job's task with its arguments, in order, and removing the row.
"""

import json

from django.db import connection
from procrastinate.contrib.django import app


def pending_jobs() -> list[tuple[int, str, dict]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id"
        )
        rows = cursor.fetchall()
    return [
        (pk, name, json.loads(args) if isinstance(args, str) else args) for pk, name, args in rows
    ]


def run_jobs() -> int:
    ran = 0
    while jobs := pending_jobs():
        for pk, name, args in jobs:
            app.tasks[name].func(**args)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [pk])
            ran += 1
    return ran
