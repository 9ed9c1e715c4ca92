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

Everything but the error classes and kind names is imported on first use (module
``__getattr__``), so ``import mentoring_docs`` is cheap and a program (or the command
line) loads only the parts it uses.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

# A constant, not importlib.metadata: reading the installed metadata costs tens of
# milliseconds on every start of the command (tests/test_package.py keeps them equal).
from ._lazy import lazy_names
from ._version import __version__

from .errors import DataError, FormError, MentoringDocsError, OutputExistsError, Problem, TemplateError
from .kinds import KINDS, parse_kind

if TYPE_CHECKING:
    from .batch import BatchReport, RosterError, generate, open_roster
    from .catalogue import Catalogue, Field, FieldKind, ListSpec, Section, catalogue, flatten, unflatten
    from .forms import Filler, ReadResult, export_template, fill, read
    from .json_schema import json_schema
    from .signatures import PartySignature, flatten_copy, sign
    from .tracking import Tracker, track
    from .validation import dump, load, load_json, problems, to_json

# Every name whose module is not tiny loads on first use (name -> the module that
# defines it), so that ``mentoring-docs --version`` and a Word fill load only what
# they use: the schemas (marshmallow), the PDF libraries, batch and tracking each
# cost tens of milliseconds at start-up.
_LAZY = {
    "Catalogue": "mentoring_docs.catalogue", "Field": "mentoring_docs.catalogue",
    "FieldKind": "mentoring_docs.catalogue", "ListSpec": "mentoring_docs.catalogue",
    "Section": "mentoring_docs.catalogue", "catalogue": "mentoring_docs.catalogue",
    "flatten": "mentoring_docs.catalogue", "unflatten": "mentoring_docs.catalogue",
    "Filler": "mentoring_docs.forms", "ReadResult": "mentoring_docs.forms",
    "export_template": "mentoring_docs.forms", "fill": "mentoring_docs.forms", "read": "mentoring_docs.forms",
    "json_schema": "mentoring_docs.json_schema",
    "dump": "mentoring_docs.validation", "load": "mentoring_docs.validation",
    "load_json": "mentoring_docs.validation", "problems": "mentoring_docs.validation",
    "to_json": "mentoring_docs.validation",
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


class _Package(types.ModuleType):
    """The package module, keeping ``catalogue`` and ``json_schema`` the functions, not their modules.

    Importing a submodule sets an attribute of its name on the package; two
    submodules share their name with the function they define, and the public API
    has always meant the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("catalogue", "json_schema") and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
