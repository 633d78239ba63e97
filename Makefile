# The two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := verifiers/node_modules/.installed
BROWSER_STAMP := tests/browser/node_modules/.installed
PIP := $(BIN)/python -m pip
LOCKS := requirements/app.txt requirements/dev.txt
FLASK := $(BIN)/flask --app onetouch
PO_FILES := $(wildcard onetouch/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup install lock upgrade-deps migrate data lint pytest translations \
	extract-messages verifiers browser audit clean

# The server is in production mode, which needs the site's public address: on one machine
# that is where gunicorn listens, unless ONETOUCH_PUBLIC_URL says otherwise.
run: setup
	ONETOUCH_PUBLIC_URL="$${ONETOUCH_PUBLIC_URL:-http://$${ONETOUCH_BIND:-127.0.0.1:8000}}" \
		$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: setup lint pytest

setup: install translations migrate data

install: $(STAMP)

# Install exactly the lock, every file checked against its hash: pip, setuptools and wheel first,
# then the rest, then the project itself (an editable install has no hash; it is built with the
# setuptools just installed). Reinstall only when the lock changes, so a second `make run` is quick.
$(STAMP): pyproject.toml $(LOCKS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	awk '/^[^ #]/ { keep = $$1 ~ /^(pip|setuptools|wheel)==/ } keep' requirements/dev.txt \
		> $(VENV)/bootstrap.txt
	$(PIP) install --quiet --require-hashes --no-deps -r $(VENV)/bootstrap.txt
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(PIP) install --quiet --no-deps --no-build-isolation --editable .
	@touch $@

# The lock: requirements/app.txt is what a server installs (the dependencies and the postgres
# extra), requirements/dev.txt adds the dev extra at the same versions. `make lock` keeps every
# pin it can; `make upgrade-deps` takes the newest releases, or those of PACKAGE=name (or "a b",
# or name==version) only.
COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --all-build-deps --no-build-isolation \
	--no-emit-index-url --no-emit-find-links

define compile-locks
	$(COMPILE) $(1) --extra postgres --output-file requirements/app.txt pyproject.toml
	$(COMPILE) $(2) --extra dev --extra postgres --constraint requirements/app.txt \
		--output-file requirements/dev.txt pyproject.toml
endef

# --upgrade-package for each PACKAGE; for app.txt only those it already pins, or pip-compile
# would add a dev tool named in pyproject.toml to it. package-name: sqlalchemy==2.1.9 -> sqlalchemy.
package-name = $(subst _,-,$(subst .,-,$(firstword $(subst =, ,$(subst <, ,$(subst >, ,$(subst \
	~, ,$(subst !, ,$(1)))))))))
upgrade-app = $(foreach p,$(PACKAGE),$(if $(shell grep -qi '^$(call package-name,$(p))==' \
	requirements/app.txt && echo yes),--upgrade-package '$(p)'))
upgrade-dev = $(foreach p,$(PACKAGE),--upgrade-package '$(p)')

lock: install
	$(call compile-locks)

upgrade-deps: install
ifdef PACKAGE
	$(call compile-locks,$(upgrade-app),$(upgrade-dev))
else
	$(call compile-locks,--upgrade,--upgrade)
endif

migrate: install
	$(FLASK) db upgrade

data: migrate
	$(FLASK) geo load
	$(FLASK) courses sync

translations: $(MO_FILES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -w 100 -o onetouch/translations/messages.pot .
	$(BIN)/pybabel update -w 100 -i onetouch/translations/messages.pot -d onetouch/translations

# The external verifier the tests run (verifiers/, Node): exactly its package-lock.json, into
# verifiers/node_modules, never globally; again only when the lock changes. No package it
# locks needs an install script, so none is run.
verifiers: $(NODE_STAMP)

$(NODE_STAMP): verifiers/package.json verifiers/package-lock.json
	cd verifiers && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# What the browser tests inject into pages (axe-core): exactly tests/browser/package-lock.json,
# into tests/browser/node_modules, never globally, no install scripts; again only when the lock
# changes. The browser itself is Debian's chromium (.ci/run installs it), never a download.
browser: $(BROWSER_STAMP)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# pip check: the lock is installed with --no-deps, so make sure it misses no dependency.
lint: install
	$(PIP) check
	$(BIN)/ruff check .

# Known vulnerabilities of every locked package: pip-audit asks PyPI's advisory data about each
# pin of both Python locks, npm audit the npm registry about the two Node locks. It needs the
# internet, which the machines of `make test` lack (they reach the package indexes only, not
# the advisory services): run it on a CI system that has it (README, "Dependency audit").
# --strict: a package that could not be checked fails the run instead of passing unchecked.
audit: install
	$(BIN)/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
		-r requirements/app.txt -r requirements/dev.txt
	cd verifiers && npm audit --package-lock-only
	cd tests/browser && npm audit --package-lock-only

pytest: install translations verifiers browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache verifiers/node_modules tests/browser/node_modules \
		tests/browser/screenshots
