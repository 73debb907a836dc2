# Every target sets up .venv on its own: a fresh clone needs nothing installed by hand.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ON_PI := $(shell grep -qs 'Raspberry Pi' /proc/device-tree/model && echo yes)

.PHONY: run test test-unit test-scenario test-slow test-service demo bench bench-peers clean \
	install uninstall test-install test-ha docs docs-screens mutate

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

# Mutation testing of the core and the stats queries ([tool.mutmut] in pyproject.toml):
# minutes per module on two cores, so not part of `make test`. mutmut runs in out/mutate
# (ignored), whose entries link to the checkout's and whose `src` links to device/, so
# the mutants are named and imported as unslump.*; it never writes a tracked file.
# MUTANTS narrows it to some mutants, e.g. MUTANTS='unslump.core.quiet.*'; JOBS sets the
# workers (default 2). Reruns only what changed.
MUTATE_STAMP := $(VENV)/.installed-mutate
MUTATE_DIR := out/mutate
MUTATED := $(CURDIR)/$(MUTATE_DIR)/mutants/src
JOBS ?= 2
$(MUTATE_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,mutate]'
	touch $(MUTATE_STAMP)

# Each survivor is then run against the whole unit and scenario tiers (tools/mutation_recheck.py):
# mutmut gives a mutant only the tests that reached its function, and none for import-time code.
# A test that spins under a mutant fails after 300 s of CPU time (tools/mutation_cpu_limit.py):
# a wall-clock limit fails the whole-day tests on a busy machine, and mutmut's own timeout
# is 15 times the whole test list's time, which for the routine is half an hour.
# PYTHONPATH: the tests' own `python -m unslump` runs import the mutants too.
mutate: $(MUTATE_STAMP)
	mkdir -p $(MUTATED)
	for name in $(filter-out out mutants demo-out build,$(wildcard *)) .ci; do \
		ln -sfn ../../$$name $(MUTATE_DIR)/$$name; done
	ln -sfn ../../device $(MUTATE_DIR)/src
	cd $(MUTATE_DIR) && PYTHONPATH=$(MUTATED) $(CURDIR)/$(VENV)/bin/mutmut run \
		--max-children $(JOBS) $(MUTANTS)
	cd $(MUTATE_DIR) && $(CURDIR)/$(VENV)/bin/mutmut results \
		| $(CURDIR)/$(PY) tools/mutation_recheck.py > ../mutation-recheck.txt
	cd $(MUTATE_DIR) && ($(CURDIR)/$(VENV)/bin/mutmut results --all true; \
		cat ../mutation-recheck.txt) | $(CURDIR)/$(PY) tools/mutation_score.py

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
