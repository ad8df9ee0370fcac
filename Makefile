# guidebuilder: `make` sets up .venv and builds the default edition; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GB := $(BIN)/guidebuilder
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed
SLUG := customs-officer-careers
FORMATS ?= pdf print booklet epub web

RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libenchant-2-2 libzbar0 \
               hunspell-en-us hunspell-en-gb hunspell-en-ca hunspell-en-au hunspell-fr hunspell-de-de
TEST_DEBS := poppler-utils chromium gettext

EDITIONS := $(sort $(basename $(notdir $(wildcard guide/editions/*.yaml))))
DEFAULT_EDITION := $(shell sed -n 's/^default_edition: *//p' guide/guide.yaml)
SHARED := guide/guide.yaml $(wildcard guide/vocabulary.yaml) $(wildcard guide/sections/*.md) $(wildcard guide/spelling/*.yaml) \
          $(shell find layouts src/guidebuilder -type f -not -name '*.pyc' 2>/dev/null)
out = dist/$(1)/$(SLUG)-$(1).pdf
lang = $(firstword $(subst -, ,$(1)))
# What one edition is made from: its file, the shared source, and its language's strings and PO file.
inputs = guide/editions/$(1).yaml guide/strings/$(call lang,$(1)).yaml \
         $(wildcard guide/translations/$(call lang,$(1)).po) $(SHARED)

# Which editions `make edition` builds: EDITION=fr-CA (one) or COUNTRY=ca (all of a country).
ifdef EDITION
SELECTED := $(EDITION)
else ifdef COUNTRY
SELECTED := $(filter %-$(shell echo '$(COUNTRY)' | tr a-z A-Z),$(EDITIONS))
endif

.PHONY: all install edition selected-editions editions check test lint golden clean distclean bench
all: $(call out,$(DEFAULT_EDITION))
	$(build-outdated)

$(INSTALLED): pyproject.toml
	@tools/system-deps.sh $(RUNTIME_DEBS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e .
	$(BIN)/python -m compileall -q src  # as an installed package is: no first run compiles (PYTHONDONTWRITEBYTECODE)
	@touch $@

install: $(INSTALLED)

# An edition's PDF stands for the edition. When it is older than one of its inputs, its own recipe
# only notes the edition as out of date; the recipe of the goal (all, editions, edition) then builds
# every noted edition in one `guidebuilder build` call, which lays them out in parallel.
OUTDATED :=
define EDITION_RULE
$(call out,$(1)): $(call inputs,$(1)) $$(INSTALLED)
	$$(eval OUTDATED += $(1))
endef
$(foreach e,$(EDITIONS),$(eval $(call EDITION_RULE,$(e))))
build-outdated = $(if $(strip $(OUTDATED)),$(GB) build $(strip $(OUTDATED)) $(foreach f,$(FORMATS),--format $(f))$(eval OUTDATED :=))

edition:
	@test -n "$(SELECTED)" || { echo "usage: make edition COUNTRY=gb | EDITION=en-GB (editions: $(EDITIONS))" >&2; exit 2; }
	@for e in $(SELECTED); do case " $(EDITIONS) " in *" $$e "*) ;; *) echo "unknown edition '$$e' (editions: $(EDITIONS))" >&2; exit 2;; esac; done
	@$(MAKE) --no-print-directory selected-editions

selected-editions: $(foreach e,$(SELECTED),$(call out,$(e)))
	$(build-outdated)

editions: $(foreach e,$(EDITIONS),$(call out,$(e)))
	$(build-outdated)

check: $(INSTALLED)
	$(GB) check

$(TEST_INSTALLED): $(INSTALLED) package-lock.json
	@tools/system-deps.sh $(TEST_DEBS)
	@command -v javac >/dev/null || tools/system-deps.sh default-jdk-headless
	@command -v npm >/dev/null || tools/system-deps.sh npm
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The shipped guide passes its own gate (no warning left unacknowledged), then the tests run.
test: lint
	$(GB) check --strict --no-cache
	$(BIN)/python -m pytest -q --durations=15

# Style, and the stages' layers declared in pyproject.toml ([tool.importlinter]): no cycle, no upward import.
lint: $(TEST_INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

golden: $(TEST_INSTALLED)
	$(BIN)/python -m tests.golden

clean:
	@if [ -x $(GB) ]; then $(GB) clean; else rm -rf dist; fi

distclean: clean
	rm -rf $(VENV) src/*.egg-info node_modules

bench: $(INSTALLED)
	$(BIN)/python bench/bench.py $(STEPS)
