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
    assert _heavy(modules) == []
    assert "marshmallow" not in modules
    assert _ours(modules) == {"mentoring_docs", "mentoring_docs._lazy", "mentoring_docs._version",
                              "mentoring_docs.cli", "mentoring_docs.errors", "mentoring_docs.kinds",
                              "mentoring_docs.limits", "mentoring_docs.safe_read"}


def test_batch_name_default_shown_by_the_command_line_is_batchs_own():
    # cli.py keeps a copy so that no command loads batch for its help text.
    from mentoring_docs import cli
    from mentoring_docs.batch.folder_names import DEFAULT_NAME

    assert cli.DEFAULT_NAME == DEFAULT_NAME


def _ours(modules: set[str], *, but: tuple[str, ...] = ()) -> set[str]:
    """Our own modules among ``modules``, leaving out those under the packages in ``but``."""
    return {m for m in modules if m.split(".")[0] == "mentoring_docs" and not m.startswith(but)}


# What a single fill of a built-in form loads of ours besides its backend: the command line,
# the fast loader with its snapshot, the rules, the catalogue, the atomic writer. Not the
# schemas (marshmallow), the field extensions, batch, tracking or the signature package.
FILL_CORE = {
    "mentoring_docs", "mentoring_docs._lazy", "mentoring_docs._version", "mentoring_docs.atomic",
    "mentoring_docs.catalogue", "mentoring_docs.cli", "mentoring_docs.csv_guard", "mentoring_docs.currencies",
    "mentoring_docs.errors", "mentoring_docs.fastload", "mentoring_docs.flat_paths", "mentoring_docs.forms",
    "mentoring_docs.jsontext", "mentoring_docs.kinds", "mentoring_docs.limits", "mentoring_docs.paper",
    "mentoring_docs.rules", "mentoring_docs.safe_read", "mentoring_docs.shipped", "mentoring_docs.snapshot",
    "mentoring_docs.text_values", "mentoring_docs.validation",
}
# Modules no single fill of a valid record uses: the schemas and their library (only invalid
# data loads them, to say what is wrong), extensions, reading forms back, e-mail parsing.
NOT_ON_A_FILL = ("marshmallow", "mentoring_docs.schema", "mentoring_docs.fields", "mentoring_docs.schema_plan",
                 "mentoring_docs.extension", "mentoring_docs.json_schema", "email", "importlib.metadata",
                 "mentoring_docs.docx.reader", "mentoring_docs.pdf.reader")


def _fill(tmp_path: Path, out: Path, *extra: str, sample: str = "agreement.json") -> set[str]:
    data = Path(__file__).resolve().parent.parent / "samples" / sample
    modules = _loaded_after("from mentoring_docs.cli import main; main()", "fill", "agreement", str(data),
                            "-o", str(out), *extra)
    assert out.is_file()
    return modules


def test_word_fill_loads_the_word_backend_and_nothing_it_does_not_use(tmp_path):
    modules = _fill(tmp_path, tmp_path / "a.docx")
    assert _ours(modules, but=("mentoring_docs.docx.",)) == FILL_CORE | {"mentoring_docs.docx",
                                                                          "mentoring_docs.form_format"}
    assert _heavy(modules, allowed=("mentoring_docs.docx",)) == []
    assert sorted(m for m in modules if m.startswith(NOT_ON_A_FILL)) == []
    assert "PIL" not in modules and "hashlib" not in modules
    # Neither the atomic writer nor reading the template loads tempfile (random, shutil, bz2, lzma).
    assert "tempfile" not in modules and "importlib.resources" not in modules
    # The built-in template comes compiled (templates/compiled/): no compiler, no XML parser, and
    # nothing of the template generator.
    assert not modules & {"mentoring_docs.docx.compiler", "mentoring_docs.docx.structure",
                          "mentoring_docs.docx.control_variants", "mentoring_docs.docx.package_edits",
                          "mentoring_docs.docx.layout", "mentoring_docs.docx.parts", "mentoring_docs.docx.record"}
    assert sorted(m for m in modules if m.split(".")[0] in ("lxml", "marshmallow")) == []


def test_word_fill_of_a_customised_template_compiles_it(tmp_path):
    # The control case of the test above: a template of the user's own is compiled (with lxml).
    from mentoring_docs.docx import blank_template

    template = tmp_path / "mine.docx"
    template.write_bytes(blank_template("agreement"))
    modules = _fill(tmp_path, tmp_path / "a.docx", "--template", str(template))
    assert {"mentoring_docs.docx.compiler", "lxml.etree"} <= modules
    assert "marshmallow" not in modules


def test_pdf_fill_loads_the_pdf_backend_and_nothing_it_does_not_use(tmp_path):
    modules = _fill(tmp_path, tmp_path / "a.pdf")
    assert _ours(modules, but=("mentoring_docs.pdf.",)) == FILL_CORE | {"mentoring_docs.pdf",
                                                                         "mentoring_docs.form_format"}
    # The built-in blank comes compiled (templates/compiled/): not parsed, so no pikepdf; plain
    # text needs no shaping, so no HarfBuzz; the font's metrics are read with struct, not
    # reportlab's font reader (it loads PIL); the form generator and the reader are not loaded.
    assert _heavy(modules, allowed=("mentoring_docs.pdf",)) == []
    assert "mentoring_docs.pdf.fields" not in modules
    assert "PIL" not in modules
    assert sorted(m for m in modules if m.startswith(NOT_ON_A_FILL)) == []
    assert not modules & {"mentoring_docs.pdf.generate", "mentoring_docs.pdf.layout", "mentoring_docs.pdf.assemble",
                          "mentoring_docs.pdf.normalise", "reportlab.pdfgen.canvas"}


def test_pdf_fill_of_a_customised_blank_or_in_another_script_loads_what_it_needs(tmp_path):
    # The control cases of the test above: a blank of the user's own is parsed (pikepdf), and
    # a value in a script the fast path does not draw is shaped (HarfBuzz).
    from mentoring_docs.pdf import blank_template

    template = tmp_path / "mine.pdf"
    template.write_bytes(blank_template("agreement"))
    assert "pikepdf" in _fill(tmp_path, tmp_path / "a.pdf", "--template", str(template))
    import json

    data = json.loads((Path(__file__).resolve().parent.parent / "samples" / "agreement.json").read_text())
    data["mentee"]["name"] = "مريم حداد"  # Arabic: shaped, right to left
    arabic = tmp_path / "arabic.json"
    arabic.write_text(json.dumps(data), encoding="utf-8")
    modules = _loaded_after("from mentoring_docs.cli import main; main()", "fill", "agreement", str(arabic),
                            "-o", str(tmp_path / "b.pdf"))
    assert "uharfbuzz" in modules and "pikepdf" not in modules


def test_replacing_a_file_loads_only_the_signature_check(tmp_path):
    out = tmp_path / "a.docx"
    _fill(tmp_path, out)
    modules = _fill(tmp_path, out, "--force")  # a signed file is never replaced: that check is all it loads
    assert _ours(modules, but=("mentoring_docs.docx.",)) == FILL_CORE | {
        "mentoring_docs.docx", "mentoring_docs.form_format", "mentoring_docs.signatures",
        "mentoring_docs.signatures.hooks", "mentoring_docs.signatures.detect"}
    assert sorted(m for m in modules if m.startswith(NOT_ON_A_FILL)) == []


def test_invalid_data_loads_marshmallow_for_its_exact_errors(tmp_path):
    import json

    data = json.loads((Path(__file__).resolve().parent.parent / "samples" / "agreement.json").read_text())
    data["mentee"]["email"] = "not an address"
    data["meetings"]["duration_minutes"] = 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr))\n"
              "from mentoring_docs.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", script, "fill", "agreement", str(bad), "-o", str(tmp_path / "a.docx")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    lines = [x for x in done.stderr.splitlines() if not x.startswith("MODULES ")]
    assert lines == [f"{bad}: mentee.email: not a valid e-mail address: 'not an address'",
                     f"{bad}: meetings.duration_minutes: must be from 5 to 480"]
    assert "marshmallow" in done.stderr.split("MODULES ", 1)[1].split()
    assert not (tmp_path / "a.docx").exists()


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


def test_shipped_files_read_the_same_from_a_zip_import(tmp_path):
    # shipped_bytes reads through the package's loader, as pkgutil.get_data does: a zipped
    # package (zipimport) finds its templates and fonts too.
    import zipfile

    from mentoring_docs.shipped import shipped_bytes

    package = Path(mentoring_docs.__file__).parent
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(package.parent).as_posix())
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from mentoring_docs.shipped import shipped_bytes\n"
            "import mentoring_docs.shipped as s; assert type(s.__spec__.loader).__name__ == 'zipimporter'\n"
            "sys.stdout.buffer.write(shipped_bytes('fonts', 'DejaVuSans-latin.ttf'))")
    done = subprocess.run([sys.executable, "-I", "-c", code, str(archive)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shipped_bytes("fonts", "DejaVuSans-latin.ttf") == (package / "fonts" / "DejaVuSans-latin.ttf").read_bytes()
