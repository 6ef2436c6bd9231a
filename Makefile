# The commands a person types. Each one sets up .venv first if it needs to.
PYTHON_SYSTEM ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
# apt-get needs root: as anyone else, `make load` and `make bench` ask sudo for it.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test fuzz lint format migrations-check check-deploy messages bench fault load demo basemap ci clean

$(PYTHON):
	$(PYTHON_SYSTEM) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet .
	touch $@

$(INSTALLED_DEV): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet ".[dev]"
	touch $@ $(INSTALLED)

## run: set up, migrate, load the seed and serve the site at http://127.0.0.1:8000
run: $(INSTALLED)
	mkdir -p var
	DEBUG=true $(MANAGE) migrate --no-input
	DEBUG=true $(MANAGE) populate_history --auto --verbosity 0
	DEBUG=true $(MANAGE) load_seed
	DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

## test: the whole suite, browser journeys included (needs /usr/bin/chromium for those)
# One pytest worker a CPU, each with its own test database and live server.
TEST_WORKERS ?= auto
test: $(INSTALLED_DEV)
	SECRET_KEY=collectstatic-only $(MANAGE) collectstatic --no-input --clear --verbosity 0
	$(PYTHON) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## fuzz: the property tests only, with a thousand examples each instead of a few
FUZZ_TESTS := tests/properties/test_fuzz_forms.py tests/properties/test_fuzz_queries.py \
	tests/properties/test_fuzz_spreadsheets.py
fuzz: $(INSTALLED_DEV)
	SECRET_KEY=collectstatic-only $(MANAGE) collectstatic --no-input --clear --verbosity 0
	HYPOTHESIS_PROFILE=fuzz $(PYTHON) -m pytest -n $(TEST_WORKERS) $(FUZZ_TESTS) $(PYTEST_ARGS)

lint: $(INSTALLED_DEV)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format: $(INSTALLED_DEV)
	$(PYTHON) -m ruff format .
	$(PYTHON) -m ruff check --fix .

migrations-check: $(INSTALLED_DEV)
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

## check-deploy: Django's deployment checklist with production-like variables
check-deploy: $(INSTALLED)
	SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=csei.example.org DEBUG=false \
	$(MANAGE) check --deploy --fail-level WARNING

## messages: gather the interface's sentences into locale/ (needs GNU gettext), then compile
# the catalogues in Python. Translate what is new, then run it again.
messages: $(INSTALLED_DEV)
	DEBUG=true $(MANAGE) update_catalogues

## demo: 10,000 generated clusters on top of the seed, to try the site at scale
demo: $(INSTALLED)
	DEBUG=true $(MANAGE) migrate --no-input
	DEBUG=true $(MANAGE) generate_demo_data --clusters 10000

## bench: the public pages at 10,000 and 100,000 clusters against a trivial view, with wrk
bench: $(INSTALLED_DEV)
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(PYTHON) -m bench.benchmark $(BENCH_ARGS)

## fault: stop a throwaway PostgreSQL (its own, on port 25432) for five seconds under load
fault: $(INSTALLED_DEV)
	$(PYTHON) -m bench.fault

## load: 64 clients for 60 seconds on the list, map, GeoJSON and cluster pages, with wrk
load: $(INSTALLED_DEV)
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(PYTHON) -m bench.load

## basemap: rebuild the map's country outlines and points from Natural Earth (needs npm)
basemap: $(INSTALLED_DEV)
	rm -rf var/world-atlas && mkdir -p var/world-atlas
	cd var/world-atlas && npm pack --silent world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
	DEBUG=true $(MANAGE) build_basemap var/world-atlas/package

ci: lint migrations-check check-deploy test

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
