"""End-to-end fixtures: the app served by a live server thread on the test database, and
Debian's Chromium driven by Playwright (no browser download)."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_app(committed, territories):
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    with committed():
        thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    # Request threads of kept-alive browser connections may still hold a database session,
    # which would stop the test database from being dropped at the end of the run.
    from django.db import connection

    with committed(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _live_database(committed):
    """The live server thread reaches the test database while a browser test runs."""
    with committed():
        yield


@pytest.fixture(scope="session")
def browser(live_app):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's guard against ORM
    # calls from async code would trip on it although every call here is synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# Every page a browser test opens is watched for Content-Security-Policy violations: the
# browser reports each one as a `securitypolicyviolation` event, and Chromium also logs it.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__maillageCspViolation(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " on " + location.pathname + " (" + event.sourceFile + ":" + event.lineNumber + ")"
  );
});
"""


def watched_context(browser, **options):
    """A browser context whose pages record every CSP violation in `context.csp_violations`."""
    context = browser.new_context(locale="fr-FR", **options)
    context.csp_violations = violations = []

    def record(violation):
        violations.append(violation)

    context.expose_function("__maillageCspViolation", record)
    context.add_init_script(CSP_WATCH)

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return context


def close_watched(context):
    violations = list(context.csp_violations)
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations: " + "; ".join(violations[:8]))


@pytest.fixture
def page(browser):
    context = watched_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    close_watched(context)


@pytest.fixture
def phone(browser):
    context = watched_context(
        browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    close_watched(context)


@pytest.fixture(scope="session")
def e2e_cast(committed, territories):
    """Committed accounts for the browser (the live server runs in another thread)."""
    from maillage.demo.setup import setup_demo

    with committed():
        setup_demo()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from maillage.accounts.models import User

        admin = User.objects.get(email="admin@demo.maillage.fr")
        TOTPDevice.objects.get_or_create(user=admin, name="e2e", defaults={"confirmed": True})
    return {
        "admin": "admin@demo.maillage.fr",
        "coordinator": "coordination@demo.maillage.fr",
        "professional": "medecin@demo.maillage.fr",
        "organisation_admin": "responsable.msp@demo.maillage.fr",
        "observer": "ars@demo.maillage.fr",
    }


def log_in(page, live_app, email):
    from maillage.demo.setup import DEMO_PASSWORD

    page.goto(f"{live_app}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/compte/verification/" in page.url:
        page.get_by_label("Code à 6 chiffres").fill(current_code(email))
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_app}/")


def current_code(email):
    """What the user's authenticator app shows right now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def pending_code(email):
    """The code shown by the authenticator app the user is enrolling."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=False)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
