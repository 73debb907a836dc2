# Every target sets up .venv on its own: a fresh clone needs nothing installed by hand.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ON_PI := $(shell grep -qs 'Raspberry Pi' /proc/device-tree/model && echo yes)

.PHONY: run test test-unit test-scenario test-slow test-service demo bench bench-peers clean \
	install uninstall test-install test-ha docs docs-screens mutate mutate-recheck \
	mutation-score

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
ifeq ($(ON_PI),yes)
	$(VENV)/bin/unslump run
else
	$(VENV)/bin/unslump run --simulate
endif

# The system packages the tests need (systemd-analyze, ...) come from scripts/ci-deps.sh,
# which installs only what is missing.
test: $(STAMP)
	sh scripts/ci-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# One tier each (the folder under tests/ is the tier): unit tests in seconds, then the
# whole device in virtual time, property tests and kill loops, and systemd/terminal/broker.
test-unit test-scenario test-slow test-service: test-%: $(STAMP)
	$(PY) -m pytest tests/$*

# Mutation testing of the core and the stats queries ([tool.mutmut] in pyproject.toml), not
# part of `make test`. mutmut runs in out/mutate (ignored), whose entries link to the
# checkout's and whose `src` links to device/, so the mutants are named and imported as
# unslump.*; it never writes a tracked file. It runs each mutant against the core's own unit
# tests only (the files in [tool.mutmut]); the whole-day and fuzz tests of the unit and
# scenario tiers stay out of it, since mutmut runs every test that reached a function
# against every surviving mutant of it; a mutant's tests run cheapest first
# (tools/mutation_test_order.py), so a killed one costs about its cheapest failing test. A
# spinning mutant is stopped by a CPU-time limit (mutmut's, from the reaching tests' time
# under the trampoline), so a loaded machine is slower but fails nothing. A whole run on a
# fresh clone on two cores: 69 minutes, the venv included (3473 mutants, 0.8 a second).
# MUTANTS narrows it to some mutants, e.g. MUTANTS='unslump.core.quiet.*'; JOBS sets the
# workers (default 2). Reruns only what changed; a rerun drops the previous recheck.
MUTATE_STAMP := $(VENV)/.installed-mutate
MUTATE_DIR := out/mutate
MUTATED := $(CURDIR)/$(MUTATE_DIR)/mutants/src
MUTMUT := $(CURDIR)/$(VENV)/bin/mutmut
RECHECKED := out/mutation-recheck.txt
JOBS ?= 2
$(MUTATE_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,mutate]'
	touch $(MUTATE_STAMP)

# PYTHONPATH: the tests' own `python -m unslump` runs import the mutants too.
mutate: $(MUTATE_STAMP)
	mkdir -p $(MUTATED)
	for name in $(filter-out out mutants demo-out build,$(wildcard *)) .ci; do \
		ln -sfn ../../$$name $(MUTATE_DIR)/$$name; done
	ln -sfn ../../device $(MUTATE_DIR)/src
	rm -f $(RECHECKED)
	cd $(MUTATE_DIR) && PYTHONPATH=$(MUTATED) $(MUTMUT) run --max-children $(JOBS) $(MUTANTS)
	$(MAKE) --no-print-directory mutation-score

# Runs each survivor of `make mutate` again against the whole unit and scenario tiers
# (tools/mutation_recheck.py): the tests mutmut left out, and code only they reach.
# Minutes per survivor on two cores (a survivor runs every test), so not part of
# `make mutate`: RECHECK='unslump.core.quiet.*' takes one module's survivors (or any
# glob); rechecks add up until the next `make mutate`.
mutate-recheck: $(MUTATE_STAMP)
	cd $(MUTATE_DIR) && $(MUTMUT) results | $(CURDIR)/$(PY) tools/mutation_recheck.py \
		--only '$(or $(RECHECK),*)' >> $(CURDIR)/$(RECHECKED)
	$(MAKE) --no-print-directory mutation-score

# The score per module: mutmut's verdicts, then the recheck's (the later line wins).
mutation-score: $(MUTATE_STAMP)
	cd $(MUTATE_DIR) && ($(MUTMUT) results --all true; cat $(CURDIR)/$(RECHECKED) 2>/dev/null) \
		| $(CURDIR)/$(PY) tools/mutation_score.py

demo: $(STAMP)
	$(VENV)/bin/unslump demo --out demo-out

# Results go to out/bench/ (ignored); RECORD=1 updates the tracked bench/results.json.
bench: $(STAMP)
	$(PY) bench/run.py $(if $(RECORD),--record)

# Installs Workrave and Safe Eyes from Debian when missing; about 90 s. Results go to
# out/bench/ (ignored); RECORD=1 updates the tracked bench/results.json.
bench-peers: $(STAMP)
	$(PY) -m bench.peers $(if $(RECORD),--record)

# Not on $(STAMP): under sudo that would build .venv as root.
install:
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" sh scripts/install.sh

uninstall:
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" PURGE="$(PURGE)" sh scripts/uninstall.sh

# The install proven in an emulated Raspberry Pi OS base (needs root; installs debootstrap,
# qemu-user-static, binfmt-support and systemd-container when missing; minutes, so not
# part of `make test`). DIST=trixie|bookworm, ARCH=arm64|armhf; UPGRADE_FROM=<commit>
# installs that commit first and proves the upgrade to this tree. Caches the roots in
# .cache/install (or $UNSLUMP_CACHE). Exit 77 when every check passed but the boot
# could not run here.
DIST ?= trixie
ARCH ?= arm64
test-install:
	DIST="$(DIST)" ARCH="$(ARCH)" UPGRADE_FROM="$(UPGRADE_FROM)" sh scripts/test-install.sh

# The device against a real Home Assistant Core in a Debian trixie root (minutes; root).
test-ha: $(VENV)/.installed
	sh scripts/ci-deps.sh
	sh scripts/test-ha.sh

docs: $(STAMP)
	$(PY) hardware/make_docs.py

# The README's screen pictures, from the golden images (after UNSLUMP_REGEN_GOLDEN=1 and a look).
docs-screens: $(STAMP)
	$(PY) tools/docs_screens.py

clean:
	rm -rf $(VENV) build *.egg-info demo-out mutants $(MUTATE_DIR)
