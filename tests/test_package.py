"""What ships: package data found through importlib.resources, typing marker, public API."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import mentoring_docs


PUBLIC_API = [
    "KINDS", "BatchReport", "Catalogue", "DataError", "Field", "FieldKind", "Filler", "FormError", "ListSpec",
    "MentoringDocsError", "OutputExistsError", "PartySignature", "Problem", "ReadResult", "RosterError",
    "Section", "TemplateError", "Tracker", "__version__", "catalogue", "dump", "export_template", "fill",
    "flatten", "flatten_copy", "generate", "json_schema", "load", "load_json", "open_roster", "parse_kind",
    "problems", "read", "sign", "to_json", "track", "unflatten",
]


def test_public_api_is_exactly_the_documented_list_and_importable():
    assert sorted(mentoring_docs.__all__) == sorted(PUBLIC_API)
    for name in mentoring_docs.__all__:
        assert hasattr(mentoring_docs, name), name
    from mentoring_docs import RosterError, generate, open_roster, track  # noqa: F401 - the import is the test

    assert issubclass(RosterError, mentoring_docs.MentoringDocsError)


def test_importing_the_package_leaves_batch_tracking_and_pdf_for_later():
    # Batch generation, tracking, signatures and the PDF libraries load on first use.
    code = ("import sys, mentoring_docs; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pikepdf', 'reportlab', 'openpyxl') "
            "or m.startswith(('mentoring_docs.batch', 'mentoring_docs.tracking', 'mentoring_docs.pdf', 'mentoring_docs.signatures'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_typed_marker_and_schemas_ship_in_the_package():
    root = resources.files("mentoring_docs")
    assert root.joinpath("py.typed").is_file()
    assert root.joinpath("schemas", "agreement.schema.json").is_file()
    assert root.joinpath("schemas", "action_plan.schema.json").is_file()


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert mentoring_docs.__version__ == version("mentoring-docs")
