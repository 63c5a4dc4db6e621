"""Periodic jobs of the directory (procrastinate): orientation reminders and expiries."""

from procrastinate.contrib.django import app

from maillage.directory import actions, duplicates, search_index


@app.periodic(cron="*/10 * * * *", periodic_id="orientations")
@app.task(queue="periodic", queueing_lock="orientations")
def orientation_deadlines(timestamp: int) -> dict:
    """Remind structures of orientations about to expire, then expire the overdue ones;
    remove the attachments of orientations accepted long ago whose outcome never came."""
    return {
        "reminded": actions.remind_orientations(),
        "expired": actions.expire_orientations(),
        "attachments_removed": actions.purge_accepted_attachments(),
        "sheet_addresses_erased": actions.erase_unsent_sheet_addresses(),
    }


@app.periodic(cron="0 7 * * *", periodic_id="freshness")
@app.task(queue="periodic", queueing_lock="freshness")
def freshness_reminders(timestamp: int) -> dict:
    """Each morning, ask organisations to check the services they have not updated in time."""
    return {"reminded": actions.remind_stale_services()}


@app.periodic(cron="1 0 * * *", periodic_id="hours")
@app.task(queue="periodic", queueing_lock="hours")
def opening_hours_of_the_day(timestamp: int) -> dict:
    """Just after midnight, decode every opening-hours expression for the coming days."""

    return {"renewed": search_index.renew_hours()}


@app.periodic(cron="30 3 * * *", periodic_id="duplicates")
@app.task(queue="periodic", queueing_lock="duplicates")
def duplicates_of_the_night(timestamp: int) -> dict:
    """Each night, compare the whole directory again for suspected duplicates (writes keep
    the pairs of what they touch; this catches what changed around them)."""

    return {"pairs": duplicates.refresh()}
