import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.territories.models import Commune
from maillage.territories.queries import commune_near


def _brute_force(latitude, longitude, within_km=30):
    scale = max(math.cos(math.radians(latitude)), 0.01)
    best, best_gap = None, (within_km / 111.2) ** 2
    for code, lat, lon in Commune.objects.filter(latitude__isnull=False).values_list(
        "code", "latitude", "longitude"
    ):
        gap = (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2
        if gap < best_gap or (gap == best_gap and best is None):
            best, best_gap = code, gap
    return best, best_gap


def test_a_point_in_la_roche_sur_yon_is_in_la_roche_sur_yon(territories, db):
    assert commune_near(46.6705, -1.4268).code == "85191"
    assert commune_near(0.0, -30.0) is None  # the middle of the ocean


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.tuples(st.floats(41.0, 51.5), st.floats(-5.5, 10.0)),  # metropolitan France
        st.tuples(st.floats(-21.5, -20.8), st.floats(55.1, 55.9)),  # La Réunion
        st.tuples(st.floats(15.8, 16.6), st.floats(-61.9, -61.1)),  # Guadeloupe
    )
)
def test_the_grid_finds_the_nearest_centre_like_a_full_scan(territories, db, point):
    latitude, longitude = point
    expected, gap = _brute_force(latitude, longitude)
    found = commune_near(latitude, longitude)
    if expected is None:
        assert found is None
    else:
        # Equal distances may pick either; the distance found is the least.
        scale = max(math.cos(math.radians(latitude)), 0.01)
        found_gap = (found.latitude - latitude) ** 2 + ((found.longitude - longitude) * scale) ** 2
        assert math.isclose(found_gap, gap, rel_tol=1e-9, abs_tol=1e-15)
