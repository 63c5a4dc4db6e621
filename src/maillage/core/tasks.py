"""Periodic jobs of the core: none yet. The worker discovers the `tasks` module of each app;
the jobs the core defers (e-mails) live in `core.deferred`, imported here so that a worker
knows them even before any code defers one."""

from maillage.core import deferred  # noqa: F401 (registers the deferred jobs)
