"""Periodic jobs of the cooperation (procrastinate)."""

from procrastinate.contrib.django import app

from maillage.cooperation import actions


@app.periodic(cron="15 7 * * *", periodic_id="conventions")
@app.task(queue="periodic", queueing_lock="conventions")
def convention_reminders(timestamp: int) -> dict:
    """Each morning, tell the keepers of terms and mandates coming to their end."""
    return {"reminded": actions.remind_conventions()}


@app.periodic(cron="0 9 * * *", periodic_id="check-calls")
@app.task(queue="periodic", queueing_lock="check-calls")
def check_call_reminders(timestamp: int) -> dict:
    """Each morning, remind the callers of running campaigns past their day."""
    return {"reminded": actions.remind_callers()}
