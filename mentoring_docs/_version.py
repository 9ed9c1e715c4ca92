"""The package version as a constant, so ``import mentoring_docs`` need not load importlib.metadata.

Kept equal to ``[project] version`` in pyproject.toml by tests/test_package.py.
"""

__version__ = "0.1.0"
