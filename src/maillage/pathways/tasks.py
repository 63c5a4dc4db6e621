"""Periodic jobs of the pathways (procrastinate): overdue actions and plans due for revision."""

from procrastinate.contrib.django import app

from maillage.pathways import actions


@app.periodic(cron="30 7 * * *", periodic_id="plan_reminders")
@app.task(queue="periodic", queueing_lock="plan_reminders")
def plan_reminders(timestamp: int) -> dict:
    """Each morning, remind owners of overdue actions and referents of revisions due."""
    return actions.remind_overdue()
