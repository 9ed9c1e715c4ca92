"""The signature reader's object-stream index reads exactly what pyHanko reads.

``signatures/objstreams.IndexedReader`` looks objects up in object streams through
an index built once per stream, where pyHanko reads the stream's header from the
start for every object. Each test resolves every object of a real file with both
readers and compares them: on our signed agreements, on files other programs
rewrote with object streams, and on hand-made streams with odd headers (a repeated
object number, a header that is not numbers, an index that does not match), which
must fall back to pyHanko's own reading.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from certs import PASSWORD, PKI, make_pki
from sigutil import filled_agreement

import mentoring_docs as md
from mentoring_docs.signatures import load_trust_roots, sign
from mentoring_docs.signatures.objstreams import IndexedReader

pyhanko_reader = pytest.importorskip("pyhanko.pdf_utils.reader")
generic = pytest.importorskip("pyhanko.pdf_utils.generic")


def plain(obj: Any) -> Any:
    """A pyHanko object as plain Python data, streams as (dictionary, decoded bytes)."""
    if isinstance(obj, generic.StreamObject):
        return ("stream", plain(dict(obj)), obj.data)
    if isinstance(obj, generic.IndirectObject):
        return ("ref", obj.idnum, obj.generation)
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    return (type(obj).__name__, obj)


def every_object(reader: Any, revision: int | None = None) -> dict[int, Any]:
    """Every object number in the file's cross-reference data, resolved."""
    size = int(reader.trailer["/Size"])
    out = {}
    for num in range(1, size):
        ref = generic.Reference(num, 0, reader)
        out[num] = plain(reader.get_object(ref, revision=revision))
    return out


def assert_reads_the_same(blob: bytes) -> IndexedReader:
    ours = IndexedReader(io.BytesIO(blob), strict=False)
    theirs = pyhanko_reader.PdfFileReader(io.BytesIO(blob), strict=False)
    assert every_object(ours) == every_object(theirs)
    for revision in range(theirs.total_revisions):
        assert every_object(ours, revision) == every_object(theirs, revision)
    return ours


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


def test_signed_agreements_read_the_same_and_the_index_is_used(tmp_path: Path, pki: PKI) -> None:
    filled = filled_agreement(tmp_path / "filled.pdf")
    one = sign(filled, "mentor", pki.mentor.p12, out=tmp_path / "one.pdf", password=PASSWORD)
    both = sign(one, "mentee", pki.mentee.p12, out=tmp_path / "both.pdf", password=PASSWORD)
    for path in (filled, one, both):
        reader = assert_reads_the_same(path.read_bytes())
        indexed = [entry for _stream, entry in reader._objstm_index.values() if entry]
        # Our blank keeps its fields in object streams: the index must have been built
        # for them, or the reader quietly went back to the quadratic walk.
        assert indexed and sum(len(entry) for entry in indexed) > 100
    statuses = md.read(both, trust_roots=load_trust_roots([pki.ca_pem])).signatures
    assert (statuses["mentor"].status, statuses["mentee"].status) == ("trusted", "trusted")


def test_files_rewritten_with_object_streams_by_pikepdf_read_the_same(tmp_path: Path) -> None:
    filled = filled_agreement(tmp_path / "filled.pdf")
    with pikepdf.open(filled) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert_reads_the_same(out.getvalue())


def handmade(header: bytes, body: bytes, index: tuple[int, int] = (0, 1)) -> bytes:
    """A one-page PDF whose objects 4 and 5 live in an uncompressed object stream.

    ``header`` and ``body`` are the stream's two parts; ``index`` is where the
    cross-reference stream says objects 4 and 5 sit in it.
    """
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    def obj(num: int, text: bytes) -> None:
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + text + b"\nendobj\n")
    obj(1, b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R /More 5 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [] /Count 0 >>")
    data = header + body
    obj(3, b"<< /Type /ObjStm /N 2 /First %d /Length %d >>\nstream\n" % (len(header), len(data)) + data + b"\nendstream")
    xref_at = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for num in (1, 2, 3):
        rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x02" + (3).to_bytes(4, "big") + index[0].to_bytes(2, "big"))
    rows.append(b"\x02" + (3).to_bytes(4, "big") + index[1].to_bytes(2, "big"))
    rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out.extend(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
               + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


@pytest.mark.parametrize("header, body, index", [
    (b"4 0 5 12 ", b"<< /A 1 >>  << /B 2 >>", (0, 1)),             # the ordinary case
    (b"4 0 4 12 ", b"<< /A 1 >>  << /B 2 >>", (0, 1)),             # number 4 twice, 5 missing
    (b"4 0 x 12 ", b"<< /A 1 >>  << /B 2 >>", (0, 1)),             # a header that is not numbers
    (b"5 12 4 0 ", b"<< /A 1 >>  << /B 2 >>", (0, 1)),             # index and header disagree
    (b"4 0 5 90 ", b"<< /A 1 >>  << /B 2 >>", (0, 1)),             # an offset past the end
    (b"4 0 5 12 ", b"<< /A 1 >>  [ /B (unclosed", (0, 1)),         # an object that does not parse
    (b"4 0 5 12 ", b"<< /A 1 >>  3 0 R        ", (0, 1)),          # a reference where an object belongs
])
def test_odd_object_streams_read_as_pyhanko_reads_them(header: bytes, body: bytes, index: tuple[int, int]) -> None:
    assert_reads_the_same(handmade(header, body, index))


def test_the_ordinary_handmade_stream_is_indexed() -> None:
    reader = assert_reads_the_same(handmade(b"4 0 5 12 ", b"<< /A 1 >>  << /B 2 >>"))
    assert reader._objstm_index[3][1] == {4: (0, 9), 5: (1, 21)}
    theirs = pyhanko_reader.PdfFileReader(io.BytesIO(handmade(b"4 0 5 12 ", b"<< /A 1 >>  << /B 2 >>")), strict=False)
    assert plain(theirs.get_object(generic.Reference(5, 0, theirs))) == {"/B": ("NumberObject", 2)}
