"""mentoring-docs: mentoring agreements and action plans as data, Word forms and PDF forms.

The public API:

- :func:`load` / :func:`dump` / :func:`problems`: validate data against the data model;
- :func:`catalogue`, :func:`flatten`, :func:`unflatten`: the field catalogue;
- :func:`fill`, :class:`Filler`, :func:`read`, :func:`export_template`: forms;
- :func:`json_schema`: the JSON Schema of a kind;
- :func:`track`, :class:`Tracker`: a tracker of returned forms across a program;
- :func:`sign`, :func:`flatten_copy`, :class:`PartySignature`: digital signatures on the
  agreement PDF (:mod:`mentoring_docs.signatures`; signing needs the ``[signatures]`` extra);
- :func:`generate`, :func:`open_roster`, :class:`BatchReport`, :class:`RosterError`:
  batch generation from a roster.

Batch generation, tracking and signatures are imported on first use (module
``__getattr__``), so ``import mentoring_docs`` stays light for a program that only fills forms.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version as _version
from typing import Any

try:
    __version__ = _version("mentoring-docs")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .catalogue import Catalogue, Field, FieldKind, ListSpec, Section, catalogue, flatten, unflatten
from .errors import DataError, FormError, MentoringDocsError, OutputExistsError, Problem, TemplateError
from .forms import Filler, ReadResult, export_template, fill, read
from .json_schema import json_schema
from .kinds import KINDS, parse_kind
from .validation import dump, load, load_json, problems, to_json

# Names whose modules load on first use: name -> the module that defines it.
_LAZY = {
    "track": "mentoring_docs.tracking", "Tracker": "mentoring_docs.tracking",
    "generate": "mentoring_docs.batch", "open_roster": "mentoring_docs.batch",
    "BatchReport": "mentoring_docs.batch", "RosterError": "mentoring_docs.batch",
    "sign": "mentoring_docs.signatures", "flatten_copy": "mentoring_docs.signatures",
    "PartySignature": "mentoring_docs.signatures",
}

__all__ = [
    "KINDS", "BatchReport", "Catalogue", "DataError", "Field", "FieldKind", "Filler", "FormError", "ListSpec",
    "MentoringDocsError", "OutputExistsError", "PartySignature", "Problem", "ReadResult", "RosterError",
    "Section", "TemplateError", "Tracker", "__version__", "catalogue", "dump", "export_template", "fill",
    "flatten", "flatten_copy", "generate", "json_schema", "load", "load_json", "open_roster", "parse_kind",
    "problems", "read", "sign", "to_json", "track", "unflatten",
]


def __getattr__(name: str) -> Any:
    """Load batch generation, tracking or signatures the first time one of their names is used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mentoring_docs' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
