# `make lab` opens the series and `make test` checks it; `make help` (or plain `make`)
# lists every target. Only python3 (3.10+) with its venv module and make are assumed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# uv (from PyPI) installs the environments, several times faster than pip: pip installs uv itself, once,
# in .venv-uv. INSTALL installs into .venv, compiling the bytecode as pip does (make test's first
# processes would otherwise all compile it at once); each environment below has its own, which
# compiles only what its tests import, when they first import it.
UV      := $(VENV)-uv/bin/uv
INSTALL := $(UV) pip install --compile-bytecode --python $(BIN)/python
PORT   ?= 8888
# Jupyter refuses to run as root unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help lab test lint lint-js test-js test-ui test-kernels bench notebooks student clean book test-book clean-book \
        test-nbgrader clean-nbgrader test-binder clean-binder bench-peers clean-peers test-classroom clean-classroom test-versions

# Each target's line ends with "## what it does"; `make help` prints those.
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24

# The stamp files make a re-run skip installs that are already done; they are
# rebuilt only when the dependency lists change.
# .venv, .venv-nbgrader and .venv-classroom are made the same way: DIR/bin/python stands for
# "DIR exists, made by uv with pip in it" (for whoever wants to add a package by hand).
# tools/versions.py makes .venv-versions/*, and the peers' environment has a rule of its own.
%/bin/python: | $(UV)
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(UV) venv --quiet --clear --seed --python $(PYTHON) $*

$(UV): constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)-uv
	$(VENV)-uv/bin/python -m pip --disable-pip-version-check install --quiet -c constraints.txt uv
	touch $@

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(INSTALL) -c constraints.txt -e ".[test]"
	touch $@

$(VENV)/.installed-ui: $(VENV)/.installed
	$(INSTALL) -c constraints.txt -e ".[test,ui]"
	touch $@

# JupyterLab's command line, in this one place: `make lab` runs it, and the browser
# test tests/ui/test_first_open.py runs `make lab`. It opens the first lesson.
# LAB_EXTRA adds options for one run (the test adds --no-browser).
LAB_ARGS = --notebook-dir=notebooks --LabApp.default_url=/lab/tree/01_data.ipynb \
           --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG)
# Settings for every JupyterLab run from this venv: no news prompt, no update check.
# JupyterLab reads them from {sys.prefix}/share/jupyter/lab/settings/overrides.json.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

# And Jupyter Server's: kernel websockets without Nagle's algorithm (jupyterlab-settings/jupyter_server_config.py
# says why), read from {sys.prefix}/etc/jupyter/.
LAB_SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.py

$(LAB_OVERRIDES): jupyterlab-settings/overrides.json $(LAB_SERVER_CONFIG) $(VENV)/.installed
	mkdir -p $(@D)
	cp jupyterlab-settings/overrides.json $@

$(LAB_SERVER_CONFIG): jupyterlab-settings/jupyter_server_config.py $(VENV)/.installed
	mkdir -p $(@D)
	cp jupyterlab-settings/jupyter_server_config.py $@

lab: $(VENV)/.installed $(LAB_OVERRIDES) ## open the series in JupyterLab, at lesson 1
	$(BIN)/jupyter lab $(LAB_ARGS) $(LAB_EXTRA)

# make test's pytest: the unit tests and nbval, the test files spread over the cores (a notebook stays in one worker).
TEST_ARGS := -m "not browser and not nbgrader and not classroom and not binder" -n auto --dist loadfile

test: lint test-js ## the linters, the unit tests, the JavaScript trainer's tests and every notebook under nbval
	$(BIN)/python -m pytest $(TEST_ARGS)

lint: $(VENV)/.installed lint-js ## ruff (configured in pyproject.toml) and ESLint (eslint.config.mjs)
	$(BIN)/ruff check .

# ---------------------------------------------------------------- the playground's JavaScript
# `make test-js` holds the book's JavaScript trainer (helpers/playground/static/trainer.js) to helpers:
# tools/js_fixtures.py writes NumPy's draws, data, gradients, losses and grids into build/js-fixtures,
# and Node's own test runner runs tests/js (no npm package). `make lint-js` runs ESLint, pinned in
# tools/eslint/package.json and installed from the npm registry into build/eslint. Without Node.js
# (or npm, for the linter) both say that they were skipped and why, except under CI=true, where they fail.
JS_FIXTURES := build/js-fixtures
ESLINT_DIR  := build/eslint
ESLINT      := $(ESLINT_DIR)/node_modules/.bin/eslint
NO_NODE = if [ "$$CI" = true ]; then echo "$@: $(1) is missing (.ci/run installs Debian's nodejs and npm)" >&2; exit 1; fi; \
          echo "$@: skipped, $(1) is not installed (Debian: apt-get install nodejs npm)"

$(JS_FIXTURES)/.written: $(VENV)/.installed tools/js_fixtures.py $(wildcard helpers/*.py helpers/playground/*.py)
	$(BIN)/python tools/js_fixtures.py $(JS_FIXTURES)
	touch $@

$(ESLINT): tools/eslint/package.json
	mkdir -p $(ESLINT_DIR)
	cp tools/eslint/package.json $(ESLINT_DIR)/package.json
	cd $(ESLINT_DIR) && npm install --no-audit --no-fund --no-package-lock --loglevel=error
	touch $@

test-js: $(VENV)/.installed ## the JavaScript trainer against helpers (fixtures), under node --test
	@if command -v node >/dev/null; then \
	    $(MAKE) -s --no-print-directory $(JS_FIXTURES)/.written && JS_FIXTURES=$(JS_FIXTURES) node --test tests/js/; \
	else $(call NO_NODE,node); fi

lint-js: ## ESLint over the playground's JavaScript, the book's and the tests'
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	    $(MAKE) -s --no-print-directory $(ESLINT) && $(ESLINT) --max-warnings 0 helpers/playground/static book/static tests/js benchmarks; \
	else $(call NO_NODE,node or npm); fi

# axe-core, pinned in tools/axe/package.json, checks the playground in JupyterLab (make test-ui) and every
# page of the book (make test-book); npm fetches it once, into build/axe.
AXE_NPM := build/axe

$(AXE_NPM)/.installed: tools/axe/package.json
	@command -v npm >/dev/null || { echo "the browser tests need npm to fetch axe-core (Debian: apt-get install npm)" >&2; exit 1; }
	mkdir -p $(AXE_NPM)
	cp tools/axe/package.json $(AXE_NPM)/package.json
	cd $(AXE_NPM) && npm install --no-audit --no-fund --no-package-lock --loglevel=error
	touch $@

test-ui: $(VENV)/.installed-ui $(LAB_OVERRIDES) $(AXE_NPM)/.installed ## notebook 6 and `make lab` in JupyterLab, in headless Chromium
	$(BIN)/python -m pytest -m browser tests/ui

# Re-executes the notebooks whose printed outputs can depend on rounding (tools/rounding.py) under
# nbval once per OpenBLAS kernel (OPENBLAS_CORETYPE) and NumPy SIMD level this CPU can run, and with
# one BLAS thread; prints what it ran, what OpenBLAS reported, and what it skipped and why
# (tools/kernel_variants.py). KERNELS_ARGS=--skip-current leaves out this environment's own
# configuration, where make test has just run nbval, and --skip-versions the variants that
# make test-versions runs its ends under (CI runs both).
test-kernels: $(VENV)/.installed ## the notebooks under every OpenBLAS kernel this CPU runs
	$(BIN)/python tools/kernel_variants.py $(KERNELS_ARGS)

# `make bench` and `make bench-peers` time in the state of a notebook kernel (see
# benchmarks/common.py), with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so
# that OpenBLAS picks its own kernel.
bench: $(VENV)/.installed ## time the training loop, the series and the playground
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/bench.py
	@if command -v node >/dev/null; then $(MAKE) -s --no-print-directory $(JS_FIXTURES)/.written && \
	    node benchmarks/trainer_frames.mjs $(JS_FIXTURES)/table.json; \
	else echo "the book's trainer was not timed: node is not installed"; fi

# Re-execute every notebook from a fresh kernel and save its outputs: they are
# the reference that `make test` compares against.
notebooks: $(VENV)/.installed ## re-execute every notebook and save its outputs
	cd notebooks && ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --NotebookClient.record_timing=False *.ipynb

clean: ## remove every environment and everything built
	rm -rf $(VENV) $(VENV)-* .pytest_cache test-artifacts student build

# The student edition for a class: the notebooks with every solution region
# replaced by `raise NotImplementedError()` and all outputs cleared, in student/.
student: $(VENV)/.installed ## the student edition, in student/
	$(BIN)/python tools/make_student.py --out student notebooks/*.ipynb

# ---------------------------------------------------------------- the static book
# `make book` builds a static HTML edition of the executed notebooks into
# build/book (open build/book/index.html). No notebook is re-executed: the pages
# show the saved outputs that `make test` checks. The playground's page trains live
# in the browser with helpers/playground/static/*.js, embedded in it. npm (Node.js) is needed once, to fetch
# MathJax, pinned in book/package.json, from the npm registry; nothing is fetched when the book is read.
BOOK     := build/book
BOOK_NPM := build/book-npm
MATHJAX  := $(BOOK_NPM)/node_modules/mathjax/es5

$(VENV)/.installed-book: $(VENV)/.installed
	$(INSTALL) -c constraints.txt -e ".[test,book]"
	touch $@

$(BOOK_NPM)/.installed: book/package.json
	@command -v npm >/dev/null || { echo "make book needs npm to fetch MathJax (Debian: apt-get install npm)" >&2; exit 1; }
	mkdir -p $(BOOK_NPM)
	cp book/package.json $(BOOK_NPM)/package.json
	cd $(BOOK_NPM) && npm install --no-audit --no-fund --no-package-lock --loglevel=error
	touch $@

book: $(VENV)/.installed-book $(BOOK_NPM)/.installed ## the static HTML edition, in build/book
	$(BIN)/python book/build.py --out $(BOOK) --mathjax $(MATHJAX)

# Serves build/book on 127.0.0.1 and checks every page in headless Chromium, offline, and with
# axe-core (pinned in tools/axe/package.json): no critical or serious violation on any page.
test-book: book $(VENV)/.installed-ui $(AXE_NPM)/.installed ## build the book and check every page in Chromium, offline
	$(BIN)/python -m pytest -m book tests/book

clean-book: ## remove the book
	rm -rf $(BOOK) $(BOOK_NPM) build/book-playground

# ---------------------------------------------------------------- nbgrader
# `make test-nbgrader` runs nbgrader's real instructor workflow on notebooks 1-4
# with nbgrader's default configuration (tools/nbgrader_workflow.py, checked by
# tests/grading): generate_assignment, autograde of three submissions, export,
# generate_feedback and validate. nbgrader (about 100 packages) gets its own
# environment, with this project installed for the autograder's kernel, so that
# `make lab` and `make test` stay light. Its bin/ goes first on PATH because
# nbgrader runs `alembic` to create a gradebook.
NBG_VENV := .venv-nbgrader
NBG_BIN  := $(NBG_VENV)/bin
NBG_INSTALL := $(UV) pip install --python $(NBG_BIN)/python

$(NBG_VENV)/.installed: $(NBG_BIN)/python pyproject.toml constraints.txt
	$(NBG_INSTALL) -c constraints.txt -e ".[test,nbgrader]"
	touch $@

test-nbgrader: $(NBG_VENV)/.installed ## nbgrader's instructor workflow on notebooks 1-4
	PATH="$(CURDIR)/$(NBG_BIN):$$PATH" $(NBG_BIN)/python -m pytest -m nbgrader tests/grading

clean-nbgrader: ## remove nbgrader's environment
	rm -rf $(NBG_VENV)

# Binder builds an image with repo2docker from environment.yml and postBuild; repo2docker (from PyPI)
# prints the Dockerfile it would build without Docker, and the test reads it.
BINDER_VENV := .venv-binder

$(BINDER_VENV)/.installed: $(BINDER_VENV)/bin/python pyproject.toml constraints.txt
	$(UV) pip install --python $(BINDER_VENV)/bin/python -c constraints.txt pytest jupyter-repo2docker
	touch $@

test-binder: $(BINDER_VENV)/.installed ## the Dockerfile repo2docker would build for Binder
	$(BINDER_VENV)/bin/python -m pytest -p no:cacheprovider --noconftest -o addopts="" -m binder tests/test_binder.py -s

clean-binder: ## remove repo2docker's environment
	rm -rf $(BINDER_VENV)

# ---------------------------------------------------------------- peers
# `make bench-peers` times the course's 2-layer task (float64, full batch) at the
# course's size and the scaling table's (N = 3000 and 30000 at H = 100, H = 10 and
# 1000 at N = 300) in the course's code, helpers.train, JAX (jit + lax.fori_loop),
# scikit-learn's MLPClassifier and PyTorch eager, and prints each one's best time,
# final loss and accuracy, and its ratio to the course's code from the same run,
# then the fastest peer at each size (benchmarks/peers.py). These libraries (about 1.9 GB) get their own environment,
# pinned in benchmarks/peers-requirements.txt, so that `make lab` and `make test`
# stay light. OpenBLAS picks its own kernel: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
# are unset for the run. pip, not uv, installs it: pip takes PyTorch from a wheel on
# this machine's disk, where uv would download a CUDA build of several GB.
PEERS_VENV := .venv-peers
PEERS_BIN  := $(PEERS_VENV)/bin
PEERS_PIP  := $(PEERS_BIN)/python -m pip --disable-pip-version-check

$(PEERS_BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(PEERS_VENV)
	$@ -m pip --disable-pip-version-check install --quiet --upgrade pip

$(PEERS_VENV)/.installed: $(PEERS_BIN)/python pyproject.toml constraints.txt benchmarks/peers-requirements.txt
	$(PEERS_PIP) install -c constraints.txt -e . -r benchmarks/peers-requirements.txt
	touch $@

bench-peers: $(PEERS_VENV)/.installed ## time the 2-layer task against JAX, scikit-learn and PyTorch
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PEERS_BIN)/python benchmarks/peers.py

clean-peers: ## remove the peers' environment
	rm -rf $(PEERS_VENV)

# ---------------------------------------------------------------- a class on JupyterHub
# `make test-classroom` rehearses a class on a real JupyterHub, all on 127.0.0.1
# (tests/ui/test_classroom.py): the student edition committed to a throwaway git
# repository standing in for the published course, a hub with two students, a
# shared-password login and SimpleLocalProcessSpawner (testing only: every
# student's server runs as this OS user), and headless Chromium as both students
# following an nbgitpuller link. JupyterHub and nbgitpuller (pinned in
# classroom/requirements.txt) and configurable-http-proxy (npm, pinned in
# classroom/package.json) get their own environment, .venv-classroom, with the
# project installed for the students' kernels, so that `make lab` and `make test`
# stay light. The students' JupyterLab reads the same overrides.json as `make lab`.
CLS_VENV := .venv-classroom
CLS_BIN  := $(CLS_VENV)/bin
CLS_INSTALL := $(UV) pip install --python $(CLS_BIN)/python
CLS_NPM  := $(CLS_VENV)/npm
CLS_CHP  := $(CLS_NPM)/node_modules/.bin/configurable-http-proxy
CLS_OVERRIDES := $(CLS_VENV)/share/jupyter/lab/settings/overrides.json

$(CLS_VENV)/.installed: $(CLS_BIN)/python pyproject.toml constraints.txt classroom/requirements.txt
	$(CLS_INSTALL) --quiet -c constraints.txt -e ".[test,ui]" -r classroom/requirements.txt
	touch $@

$(CLS_CHP): classroom/package.json
	@command -v npm >/dev/null || \
	    { echo "make test-classroom needs npm for configurable-http-proxy (Debian: apt-get install npm)" >&2; exit 1; }
	mkdir -p $(CLS_NPM)
	cp classroom/package.json $(CLS_NPM)/package.json
	cd $(CLS_NPM) && npm install --no-audit --no-fund --no-package-lock --loglevel=error
	touch $@

$(CLS_OVERRIDES): jupyterlab-settings/overrides.json $(CLS_VENV)/.installed
	mkdir -p $(@D)
	cp jupyterlab-settings/overrides.json $@

test-classroom: $(CLS_VENV)/.installed $(CLS_CHP) $(CLS_OVERRIDES) ## a class on JupyterHub: two students, nbgitpuller, Chromium
	CLASSROOM_PROXY="$(CURDIR)/$(CLS_CHP)" $(CLS_BIN)/python -m pytest -p no:cacheprovider -m classroom \
	    tests/ui/test_classroom.py

clean-classroom: ## remove the classroom environment
	rm -rf $(CLS_VENV)

# ---------------------------------------------------------------- the promised versions
# `make test-versions` tries both ends of what pyproject.toml allows, without constraints.txt
# (tools/versions.py): the oldest Python on this machine that requires-python allows with the
# lowest versions of the dependencies that uv's --resolution lowest-direct picks
# (.venv-versions/oldest), and the newest Python with the newest of everything
# (.venv-versions/newest). Each runs make test's pytest but for two sets of notebook runs that
# ask nothing of the versions that the rest does not: the perturbation test's (whether a printed
# value records one machine's rounding: a question about the numbers, answered by make test) and
# the student edition's Run All (the solution notebooks run under nbval here, and the checks'
# fallback to the helpers version is unit-tested for every exercise in tests/test_exercises.py).
# Each end runs under one of make test-kernels' variants (--kernels: OpenBLAS on one thread for the
# oldest versions, its Haswell kernel for the newest; tools/versions.py says how they are picked), so
# that CI's make test-kernels leaves those out (--skip-versions) and each variant still runs once.
VERSIONS := .venv-versions

$(VERSIONS)/%/.installed: $(UV) pyproject.toml | $(VENV)/.installed
	$(BIN)/python tools/versions.py install $* --uv $(UV)
	touch $@

test-versions: $(VERSIONS)/oldest/.installed $(VERSIONS)/newest/.installed ## make test's pytest with the oldest and newest versions allowed
	$(BIN)/python tools/versions.py test oldest newest --kernels -- $(TEST_ARGS) \
	    --deselect tests/test_perturbed_notebooks.py::test_printed_values_survive_rounding_sized_perturbations \
	    --deselect tests/test_student_edition.py::test_run_all_untouched_student_notebook
