"""Periodic jobs of regulation (procrastinate): offers left unanswered expire (the SIAO is
told), vacancies left unanswered past their delay are flagged to the SIAO, waiting requests
are reminded of their update, then suspended."""

from procrastinate.contrib.django import app

from maillage.regulation import actions


@app.periodic(cron="15 6 * * *", periodic_id="proposals_expire")
@app.task(queue="periodic", queueing_lock="proposals_expire")
def proposals_expire(timestamp: int) -> int:
    """Each morning, expire the offers past their delay and tell the SIAO."""
    return actions.proposals_expire()


@app.periodic(cron="30 6 * * *", periodic_id="place_request_updates")
@app.task(queue="periodic", queueing_lock="place_request_updates")
def place_request_updates(timestamp: int) -> dict:
    """Each morning, remind the prescribers of the updates due; suspend the silent ones."""
    reminded, suspended = actions.requests_update_reminders()
    return {"reminded": reminded, "suspended": suspended}


@app.periodic(cron="20 6 * * *", periodic_id="vacancies_overdue")
@app.task(queue="periodic", queueing_lock="vacancies_overdue")
def vacancies_overdue(timestamp: int) -> int:
    """Each morning, tell the SIAO of the vacancies whose answer delay ran out yesterday."""
    return actions.vacancies_overdue()
