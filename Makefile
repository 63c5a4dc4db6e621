# Maillage — every command a developer, the demo and CI need.
# A fresh machine has only Python, pip, Node.js and apt: this file installs the rest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/maillage/static/vendor
export MAILLAGE_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test check bench fuzz install vendor browser clean-db fmt smoke report

demo: install vendor
	$(BIN)/maillage demo

test: install vendor browser
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# The subset that proves "bring your own PostgreSQL": run with DATABASE_URL set.
smoke: install vendor
	$(BIN)/pytest -p no:cacheprovider -m "not browser" tests/core tests/accounts $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	MAILLAGE_NO_EMBEDDED=1 $(BIN)/maillage makemigrations --check --dry-run
	MAILLAGE_NO_EMBEDDED=1 MAILLAGE_HTTPS=1 MAILLAGE_DEBUG=0 \
	  MAILLAGE_SECRET_KEY=check-deploy-only-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  MAILLAGE_AUDIT_KEY=check-deploy-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  MAILLAGE_ALLOWED_HOSTS=maillage.example.org \
	  $(BIN)/maillage check --deploy --fail-level WARNING

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The annual evaluation report as HTML and PDF (printed by Debian's Chromium).
YEAR ?= $(shell date -d 'last year' +%Y)
report: install vendor browser
	$(BIN)/maillage migrate
	$(BIN)/maillage report annual --year $(YEAR)

bench: install
	@for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# The API and import campaigns at full size (a thousand cases per operation and property);
# CI runs the same tests smaller.
fuzz: install vendor
	$(BIN)/python bench/fuzz.py --examples $(or $(EXAMPLES),1000)

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

vendor: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/htmx
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/htmx.org/LICENSE $(VENDOR)/htmx/LICENSE
	mkdir -p $(VENDOR)/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
	  node_modules/leaflet/dist/images node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	touch $@

# Debian's Chromium and its driver drive the end-to-end and accessibility tests.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }
