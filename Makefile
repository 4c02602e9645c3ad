# Two commands do everything: `make lab` opens the series, `make test` checks it.
# Only python3 (3.10+) with its venv module and make are assumed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
PORT   ?= 8888
# Jupyter refuses to run as root unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-ui bench notebooks clean

# The stamp files make a re-run skip installs that are already done; they are
# rebuilt only when the dependency lists change.
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e ".[test]"
	touch $@

$(VENV)/.installed-ui: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e ".[test,ui]"
	touch $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not browser"

test-ui: $(VENV)/.installed-ui
	$(BIN)/python -m pytest -m browser tests/ui

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

# Re-execute every notebook from a fresh kernel and save its outputs: they are
# the reference that `make test` compares against.
notebooks: $(VENV)/.installed
	cd notebooks && ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --NotebookClient.record_timing=False *.ipynb

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

# The student edition for a class: the notebooks with every solution region
# replaced by `raise NotImplementedError()` and all outputs cleared, in student/.
.PHONY: student
student: $(VENV)/.installed
	$(BIN)/python tools/make_student.py --out student notebooks/*.ipynb

# ---------------------------------------------------------------- the static book
# `make book` builds a static HTML edition of the executed notebooks into
# build/book (open build/book/index.html). No notebook is re-executed: the pages
# show the saved outputs that `make test` checks. The playground's figures are
# precomputed with the notebook's own code, and recomputed only when helpers/
# or the installed packages change. npm (Node.js) is needed once, to fetch
# MathJax from the npm registry; nothing is fetched when the book is read.
BOOK     := build/book
BOOK_NPM := build/book-npm
BOOK_PG  := build/book-playground
MATHJAX  := $(BOOK_NPM)/node_modules/mathjax/es5

.PHONY: book test-book clean-book

$(VENV)/.installed-book: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e ".[test,book]"
	touch $@

$(MATHJAX)/tex-chtml.js: book/package.json
	@command -v npm >/dev/null || { echo "make book needs npm to fetch MathJax (Debian: apt-get install npm)" >&2; exit 1; }
	mkdir -p $(BOOK_NPM)
	cp book/package.json $(BOOK_NPM)/package.json
	cd $(BOOK_NPM) && npm install --no-audit --no-fund --no-package-lock --loglevel=error
	touch $@

$(BOOK_PG)/playground.json: $(VENV)/.installed-book book/precompute.py $(wildcard helpers/*.py helpers/playground/*.py)
	$(BIN)/python book/precompute.py $(BOOK_PG)

book: $(VENV)/.installed-book $(MATHJAX)/tex-chtml.js $(BOOK_PG)/playground.json
	$(BIN)/python book/build.py --out $(BOOK) --mathjax $(MATHJAX) --playground $(BOOK_PG)

# Serves build/book on 127.0.0.1 and checks every page in headless Chromium, offline.
test-book: book $(VENV)/.installed-ui
	$(BIN)/python -m pytest -m book tests/book

clean-book:
	rm -rf $(BOOK) $(BOOK_NPM) $(BOOK_PG)
