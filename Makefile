# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create .venv with the machine's python3 if it is missing and install the project
# with every extra, at the exact versions of constraints.txt; the install runs again only
# when pyproject.toml or constraints.txt changes (the stamp file's name carries a hash of them).
# `make lock` regenerates constraints.txt from pyproject.toml (docs/install.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXTRAS := dev,torch,keras,jax
LOCK := constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(wildcard $(LOCK)) | sha256sum | cut -c1-16)
# pip.conf on these machines names local indexes that may be absent; pip says so per package.
PIP_NOISE := is ignored: it is neither a file nor a directory

.PHONY: demo test lint install lock clean site browser notebooks lab samples

demo: $(STAMP)
	@$(BIN)/rosetta compare

# `make test` runs six pytest processes at once, so that the machine's two cores share the
# work to the end (each prints its report when it ends):
# - two with Keras on tensorflow, which share every test that runs in the test process,
#   JAX's column's too, but for JAX's figures: APART (the exercises and their grading, the
#   verdicts, which run networks of their own) in one, the rest in the other (the
#   cross-checks, and the tests that reuse their cached runs: the site, errata, the CLI);
# - the tests of the figures (FIGURES: every quantity against NumPy, the gradients, the
#   optimizers, the numerics, what each run reports, Keras' float64 set-up) again with Keras
#   on torch, and again on jax: Keras fixes its backend when it is imported, so each backend
#   needs a process of its own. What the other tests check (the exercises and their grading,
#   errata, verdicts, the CLI) depends on the backend only through those figures: they run
#   once. JAX's figures (test ids naming "jax") run in the Keras-on-jax process, which has
#   JAX imported already;
# - two with the tests marked `subprocesses` (pyproject.toml), whose work is done in the
#   processes they start (`rosetta` commands, the notebooks' kernels): their pytest processes
#   import no framework.
# The first is the longest: the others run under `nice`, so that it has a core whenever it
# can use one, and they share what it leaves.
# OMP_NUM_THREADS=1: PyTorch's OpenMP threads wait for work by spinning, and took the other
# core from the other runs (the networks are far too small to gain from threads).
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider
FIGURES := tests/test_cross_framework.py tests/test_gradients.py tests/test_optimizers.py \
	tests/test_numerics.py tests/test_keras_setup.py tests/test_golden.py tests/test_specs.py
empty :=
FIGURE_NAMES := $(subst $(empty) $(empty), or ,$(strip $(basename $(notdir $(FIGURES)))))
# In the tensorflow processes: all but JAX's figures
NOT_JAX_FIGURES := not jax or not ($(FIGURE_NAMES))
APART := tests/test_exercises.py tests/test_verdicts.py
# Only the files that mark tests `subprocesses`: importing the others would load TensorFlow.
# Two processes share them: these files in one, the rest in the other
PROCESS_TESTS = $(shell grep -l "pytest.mark.subprocesses" tests/test_*.py)
PROCESSES_FIRST := tests/test_cli.py tests/test_notebooks.py tests/test_hard_edges.py \
	tests/test_missing.py tests/test_input.py

test: $(STAMP) browser
	@$(BIN)/ruff check --quiet .
	@echo "Running the tests in six processes (about 5 minutes on 2 cores); each reports when it ends"
	@logs=$$(mktemp -d); trap 'rm -rf $$logs' EXIT; \
	run() { \
		local name=$$1 title=$$2; shift 2; \
		if env OMP_NUM_THREADS=1 "$$@" > $$logs/$$name 2>&1; then echo 0; else echo 1; fi \
			> $$logs/$$name.status; \
		printf '%s\n%s\n' "$$title:" "$$(cat $$logs/$$name)"; \
	}; \
	run tensorflow "Keras on tensorflow: the cross-checks and every test that reuses their runs" \
		KERAS_BACKEND=tensorflow $(PYTEST) -m "not subprocesses" -k "$(NOT_JAX_FIGURES)" \
		$(addprefix --ignore ,$(APART)) tests & \
	run apart "Keras on tensorflow: the exercises and their grading, the verdicts" \
		KERAS_BACKEND=tensorflow nice $(PYTEST) -m "not subprocesses" $(APART) & \
	run torch "The figures with Keras on torch" \
		KERAS_BACKEND=torch nice $(PYTEST) -m "not subprocesses" -k keras $(FIGURES) & \
	run jax "The figures with Keras on jax, and JAX's" \
		KERAS_BACKEND=jax nice $(PYTEST) -m "not subprocesses" -k "keras or jax" $(FIGURES) & \
	run processes "The tests that start processes: rosetta commands, the notebooks' kernels" \
		KERAS_BACKEND=tensorflow nice $(PYTEST) -m subprocesses \
		$(filter $(PROCESSES_FIRST),$(PROCESS_TESTS)) & \
	run processes2 "The tests that start processes: the environment, check, samples, output" \
		KERAS_BACKEND=tensorflow nice $(PYTEST) -m subprocesses \
		$(filter-out $(PROCESSES_FIRST),$(PROCESS_TESTS)) & \
	wait; \
	! grep -qx 1 $$logs/*.status

# The browser test of the site drives Debian's chromium and chromium-driver. As root with
# apt-get (as on CI) they are installed once; elsewhere the test is skipped and says how.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium and chromium-driver for the browser test"; \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				chromium chromium-driver > /dev/null; } \
			|| echo "Could not install chromium; the browser test will be skipped"; \
		else \
			echo "No chromium here: the browser test will be skipped (as root: apt-get install chromium chromium-driver)"; \
		fi; \
	fi

# The static site, opened from disk: site/index.html
site: $(STAMP)
	@$(BIN)/rosetta site --out site

# Every sample output in README.md and docs/ (a ``` block after `<!-- sample: COMMAND -->`),
# rerun from its command (a few minutes: the benchmark's); tests/test_samples.py checks them
samples: $(STAMP)
	@$(BIN)/python -m shared.views.samples

# notebooks/<network>.ipynb, built from the code and run (a few minutes: a kernel per notebook)
notebooks: $(STAMP)
	@$(BIN)/python -m shared.views.notebooks

# The notebooks in JupyterLab, which the `notebooks` extra installs the first time. As root
# (as these machines and containers run) Jupyter refuses to start without --allow-root.
lab: $(STAMP)
	@test -x $(BIN)/jupyter-lab || { echo "Installing JupyterLab (the notebooks extra) into $(VENV)"; \
		PIP_CONSTRAINT="$(CURDIR)/$(LOCK)" $(BIN)/pip install --progress-bar off -q \
			-e '.[$(EXTRAS),notebooks]' 2>&1 \
		| { grep -v "$(PIP_NOISE)" || true; }; }
	@$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks

lint: $(STAMP)
	@$(BIN)/ruff check .

install: $(STAMP)

$(BIN)/python:
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)

# PIP_CONSTRAINT rather than -c: pip passes it on to the build of nn-rosetta itself, so the
# build backend (setuptools) is pinned too.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@echo "Installing nn-rosetta[$(EXTRAS)] into $(VENV) at the versions of $(LOCK) (first time: a few minutes, about 3 GB)"
	@PIP_CONSTRAINT="$(CURDIR)/$(LOCK)" $(BIN)/pip install --progress-bar off -q -e '.[$(EXTRAS)]' 2>&1 \
		| { grep -v "$(PIP_NOISE)" || true; }
	@rm -f $(VENV)/.installed-*
	@touch $@

# constraints.txt: every package of every extra of pyproject.toml (and the build backend),
# as pip resolves them here, without installing anything (pip install --dry-run --report).
# The pins already in constraints.txt are kept where they still fit, so that adding a
# dependency adds its pins and changes no others; `make lock UPGRADE=1` resolves afresh.
define LOCK_INPUTS
import tomllib
with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)
print(".[" + ",".join(sorted(project["project"].get("optional-dependencies", {}))) + "]")
print(*project["build-system"]["requires"], sep="\n")
endef
define LOCK_WRITE
import json, platform, re, sys
with open(sys.argv[1]) as file:
    report = json.load(file)
extras, *build = sys.argv[2:]
pins, local = {}, []
for item in report["install"]:
    name = re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower()
    version, _, label = item["metadata"]["version"].partition("+")
    if name != "nn-rosetta":
        pins[name] = version
        local += [f"{name} {version}+{label}"] if label else []
python = ".".join(platform.python_version_tuple()[:2])
print(f"# Exact versions of every package of nn-rosetta{extras[1:]}, and of {', '.join(build)}.")
print("# Generated by `make lock` from pyproject.toml; do not edit by hand (docs/install.md).")
print(f"# Resolved by pip on Python {python}, {platform.system()} {platform.machine()}.")
if local:
    print(f"# Without local version labels (here: {', '.join(local)}): ==X.Y.Z matches X.Y.Z+label.")
for name in sorted(pins):
    print(f"{name}=={pins[name]}")
endef
export LOCK_INPUTS LOCK_WRITE

lock: | $(BIN)/python
	@mapfile -t wanted < <($(BIN)/python -c "$$LOCK_INPUTS"); \
	report=$$(mktemp); log=$$(mktemp); old=$$(mktemp); trap 'rm -f $$report $$log $$old' EXIT; \
	[ ! -f $(LOCK) ] || cp $(LOCK) $$old; \
	resolve() { $(BIN)/pip install --dry-run --ignore-installed --quiet --report $$report \
		"$$@" "$${wanted[@]}" > $$log 2>&1; }; \
	echo "Resolving $${wanted[*]} (about a minute)"; \
	if [ -z "$(UPGRADE)" ] && [ -s $$old ] && resolve -c $$old; then \
		echo "Kept every pin of $(LOCK) that is still needed"; \
	else \
		[ -n "$(UPGRADE)" ] || [ ! -s $$old ] \
			|| echo "The pins of $(LOCK) no longer fit pyproject.toml; resolving afresh"; \
		resolve || { grep -v "$(PIP_NOISE)" $$log; exit 1; }; \
	fi; \
	$(BIN)/python -c "$$LOCK_WRITE" $$report "$${wanted[@]}" > $$log; \
	cp $$log $(LOCK); \
	echo "$(LOCK): $$(grep -c '==' $(LOCK)) pins; changed:"; \
	{ diff -U0 $$old $(LOCK) || true; } | grep '^[-+][a-z0-9]' || echo "nothing"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
