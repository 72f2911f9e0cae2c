# Two commands on a fresh machine: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench messages lint

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

## Install, then start the bot (SQLite under data/). Needs TELEGRAM_BOT_TOKEN.
run: $(BIN)/.installed
	$(BIN)/cpdbot run

## Install, then run lint, the layer check, the type checker and the whole test suite.
## Set CPDBOT_TEST_DATABASE_URL for PostgreSQL.
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n auto

## Run the benchmarks and print their figures. Each prints MET or MISSED for every target and
## exits 1 if it missed one; all of them run, and `make bench` fails at the end if any did.
bench: $(BIN)/.installed
	@failed=""; \
	for name in capture webhook export reminders privacy assist organisations console; do \
		$(BIN)/python -m benchmarks.$$name || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "benchmarks with a missed target:$$failed"; exit 1; fi

## Re-extract translatable strings and merge them into every catalogue.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --width 100 -o bot/locale/cpdbot.pot .
	$(BIN)/pybabel update -i bot/locale/cpdbot.pot -d bot/locale -D cpdbot --width 100 --ignore-obsolete
	rm bot/locale/cpdbot.pot
