"""Periodic job of the observatory (procrastinate): the dashboards' figures."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from maillage.observatory import facts


@app.periodic(cron="5 * * * *", periodic_id="observatory_facts")
@app.task(
    queue="periodic",
    queueing_lock="observatory_facts",
    retry=RetryStrategy(max_attempts=3, wait=60),
)
def refresh_facts(timestamp: int) -> dict:
    """Every hour, rebuild the pre-aggregated figures the observatory's pages read."""
    done = facts.refresh()
    return {"rows": done.rows, "seconds": round(done.seconds, 2)}
