"""What ships: package data found through importlib.resources, typing marker, public API."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

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


def _loaded_after(code: str, *argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (with ``argv``), including on exit."""
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr))\n"
              + code)
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True)
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    assert line, done.stderr
    return set(line[-1].split()[1:])


# Heavy or unrelated parts no plain import or command may load unless it uses them.
HEAVY = ("pikepdf", "reportlab", "uharfbuzz", "openpyxl", "icalendar", "pyhanko", "jinja2")
PARTS = ("mentoring_docs.batch", "mentoring_docs.tracking", "mentoring_docs.signatures", "mentoring_docs.pdf",
         "mentoring_docs.docx", "mentoring_docs.calendar")


def _heavy(modules: set[str], *, allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(m for m in modules
                  if (m.split(".")[0] in HEAVY or m.startswith(PARTS) or m == "importlib.metadata")
                  and not m.startswith(allowed))


def test_importing_the_package_loads_no_backend_batch_tracking_signatures_or_metadata():
    modules = _loaded_after("import mentoring_docs; mentoring_docs.__version__")
    assert _heavy(modules) == []
    # Not even the schemas: they load with the first name that needs them.
    assert "marshmallow" not in modules


def test_version_command_loads_only_the_command_line(tmp_path):
    modules = _loaded_after("from mentoring_docs.cli import main; main()", "--version")
    # The name pattern's default comes from batch's folder_names, a module with no imports of weight.
    assert _heavy(modules, allowed=("mentoring_docs.batch.folder_names", "mentoring_docs.batch.digests")) \
        == ["mentoring_docs.batch"]
    assert "marshmallow" not in modules


def test_word_fill_command_loads_no_pdf_library_batch_or_tracking(tmp_path):
    sample = Path(__file__).resolve().parent.parent / "samples" / "agreement.json"
    out = tmp_path / "a.docx"
    modules = _loaded_after("from mentoring_docs.cli import main; main()", "fill", "agreement", str(sample),
                            "-o", str(out))
    assert out.is_file()
    allowed = ("mentoring_docs.docx", "mentoring_docs.batch.folder_names", "mentoring_docs.batch.digests",
               "mentoring_docs.signatures.hooks", "mentoring_docs.signatures.detect",
               "mentoring_docs.signatures.status")
    assert [m for m in _heavy(modules, allowed=allowed) if m not in ("mentoring_docs.batch",
                                                                     "mentoring_docs.signatures")] == []


def test_lazy_names_are_the_functions_even_after_their_modules_load():
    code = ("import mentoring_docs, mentoring_docs.catalogue, mentoring_docs.json_schema\n"
            "assert callable(mentoring_docs.catalogue) and callable(mentoring_docs.json_schema)\n"
            "assert mentoring_docs.catalogue('agreement').kind == 'agreement'\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_typed_marker_and_schemas_ship_in_the_package():
    root = resources.files("mentoring_docs")
    assert root.joinpath("py.typed").is_file()
    assert root.joinpath("schemas", "agreement.schema.json").is_file()
    assert root.joinpath("schemas", "action_plan.schema.json").is_file()


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert mentoring_docs.__version__ == version("mentoring-docs")


def test_version_constant_matches_pyproject():
    # __version__ is a constant (importlib.metadata is slow to load); pyproject.toml is the source.
    # (read with a pattern: tomllib is 3.11+ and the package supports 3.10)
    import re

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    found = re.search(r'^version\s*=\s*"([^"]+)"', project, re.MULTILINE)
    assert found is not None
    assert mentoring_docs.__version__ == found.group(1)
