# The two commands of the README: `make demo` (the main job) and `make test`.
# Both set up .venv/ first (scripts/setup.sh), so they work on a fresh machine.
.PHONY: demo test test-fast lint setup benchmark vocab

setup:
	@scripts/setup.sh

demo: setup
	.venv/bin/parley code examples/istanbul-talks.txt --date 2025-02-28
	.venv/bin/parley ingest examples/ --date 2025-02-28
	@echo "Explore it: .venv/bin/parley serve, then open http://127.0.0.1:8000/?a=USA&b=RUS"

test: setup
	.venv/bin/python -m pytest

# development: the suite without the slow, PostgreSQL and browser tests (markers in pyproject.toml)
test-fast: setup
	.venv/bin/python -m pytest -m "not slow and not postgres and not browser"

# style, formatting, the import contracts (three floors, no training code when coding) and
# mypy against its shrinking baseline; .ci/run runs it before the tests
lint: setup
	.venv/bin/ruff check parley tests benchmarks scripts
	.venv/bin/ruff format --check parley tests benchmarks scripts
	.venv/bin/lint-imports
	.venv/bin/python scripts/mypy_baseline.py

benchmark: setup
	.venv/bin/python benchmarks/throughput.py

# re-derive the shipped tables from ../shared/data (only when the reference data changes)
vocab: setup
	.venv/bin/python scripts/build_vocab.py
	.venv/bin/python scripts/build_issues.py
