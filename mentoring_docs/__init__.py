"""mentoring-docs: mentoring agreements and action plans as data, Word forms and PDF forms.

The public API:

- :func:`load` / :func:`dump` / :func:`problems`: validate data against the data model;
- :func:`catalogue`, :func:`flatten`, :func:`unflatten`: the field catalogue;
- :func:`fill`, :class:`Filler`, :func:`read`, :func:`export_template`: forms;
- :func:`json_schema`: the JSON Schema of a kind;
- :func:`track`, :class:`Tracker`: a tracker of returned forms across a program;
- :func:`sign`, :func:`flatten_copy`: digital signatures on the agreement PDF
  (:mod:`mentoring_docs.signatures`; signing needs the ``[signatures]`` extra).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("mentoring-docs")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .catalogue import Catalogue, Field, FieldKind, ListSpec, Section, catalogue, flatten, unflatten
from .errors import DataError, FormError, MentoringDocsError, OutputExistsError, Problem, TemplateError
from .forms import Filler, ReadResult, export_template, fill, read
from .json_schema import json_schema
from .signatures import PartySignature, flatten_copy, sign
from .kinds import KINDS, parse_kind
from .tracker import Tracker, track
from .validate import dump, load, load_json, problems, to_json

__all__ = [
    "KINDS", "Catalogue", "DataError", "Field", "FieldKind", "Filler", "FormError", "ListSpec",
    "MentoringDocsError", "OutputExistsError", "PartySignature", "Problem", "ReadResult", "Section", "TemplateError",
    "__version__", "catalogue", "dump", "export_template", "fill", "flatten", "json_schema", "load",
    "flatten_copy", "load_json", "parse_kind", "problems", "read", "sign", "to_json", "track", "Tracker",
    "unflatten",
]
