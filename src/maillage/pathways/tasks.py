"""Periodic jobs of the pathways (procrastinate): reminders of overdue actions and revisions
due, weekly digests, retention of closed pathways. The jobs the actions defer (meeting
invitations) live in `pathways.deferred`."""

from procrastinate.contrib.django import app

from maillage.pathways import actions


@app.periodic(cron="30 7 * * *", periodic_id="plan_reminders")
@app.task(queue="periodic", queueing_lock="plan_reminders")
def plan_reminders(timestamp: int) -> dict:
    """Each morning, remind owners of overdue actions and referents of revisions due."""
    return actions.remind_overdue()


@app.periodic(cron="45 7 * * 1", periodic_id="weekly_digest")
@app.task(queue="periodic", queueing_lock="weekly_digest")
def weekly_digest(timestamp: int) -> int:
    """Each Monday, one summary email for those who chose it instead of one per reminder."""
    return actions.send_weekly_digests()


@app.periodic(cron="15 3 * * *", periodic_id="pathway_retention")
@app.task(queue="periodic", queueing_lock="pathway_retention")
def pathway_retention(timestamp: int) -> dict:
    """Each night, archive the pathways closed long enough, then anonymise the oldest."""
    return actions.apply_retention()
