# The two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app onetouch
PO_FILES := $(wildcard onetouch/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup install migrate data lint pytest translations extract-messages clean

run: setup
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: setup lint pytest

setup: install translations migrate data

install: $(STAMP)

# Reinstall only when the dependencies change, so a second `make run` is quick.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[dev,postgres]'
	@touch $@

migrate: install
	$(FLASK) db upgrade

data: migrate
	$(FLASK) geo load
	$(FLASK) courses sync

translations: $(MO_FILES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o onetouch/translations/messages.pot .
	$(BIN)/pybabel update -i onetouch/translations/messages.pot -d onetouch/translations

lint: install
	$(BIN)/ruff check .

pytest: install translations
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
