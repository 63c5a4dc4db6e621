"""The cooperation's pages: the register of conventions, territorial alerts, check calls."""

from maillage.cooperation.views.alerts import *  # noqa: F403
from maillage.cooperation.views.campaigns import *  # noqa: F403
from maillage.cooperation.views.conventions import *  # noqa: F403
