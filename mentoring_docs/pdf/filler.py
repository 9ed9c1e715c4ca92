"""Fast filling: the blank form is parsed once; each record appends a small update.

A PDF may be changed by appending an *incremental update* (PDF 32000-1, 7.5.6):
new versions of some objects, a cross-reference section for them and a trailer
pointing back at the previous one. Acrobat and other viewers save filled forms
this way. In the built-in forms each text and choice field keeps its value and its
appearance dictionary in small objects of their own (:func:`.assemble.widget_dict`),
so an update replaces those two objects and adds the drawn appearance, and never
writes the field dictionary; a checkbox's dictionary (its /V and /AS) and any field
of a custom template without such objects are written whole, from bytes prepared
once. :class:`CompiledForm` prepares all of that when it is made; rendering a record
then only formats the values and their appearance streams and appends them to the
blank form's bytes. Nothing is parsed per record, which is what makes filling
thousands of forms fast.

The update is written compactly, as the blank forms are (:func:`.assemble.save`):
the new values, appearance dictionaries and checkbox dictionaries go into one
compressed object stream, a cross-reference stream lists those and a classic table
the others (a hybrid section, see :meth:`CompiledForm._finish`), and an appearance
stream long enough to gain from it is compressed (each one once: a drawn appearance
is kept, compressed, for reuse). What the end of an update needs besides offsets
(the cross-reference stream's subsections, the rows of the packed objects) is kept
per set of objects written, which in a batch is the same from one record to the next.

``password`` and ``flatten`` need a full rewrite of the document; they go through
pikepdf (qpdf) after the fast path.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import dataclasses
import warnings
import zlib
from dataclasses import dataclass
from itertools import accumulate
from operator import add, itemgetter
from typing import TYPE_CHECKING, Mapping

from ..catalogue import Catalogue, Field, FieldKind, catalogue
from ..flat_paths import pattern_of
from ..errors import DataError, FormError, MissingGlyphsWarning, Problem, TemplateError
from ..validation import Record, list_limit_problems
from . import appearance, textlayout
from .docfonts import DocumentFonts, Drawing
from .font import RESOURCE_NAME, Metrics, metrics
from .fontset import FontChain, describe_missing, package_hint
from .syntax import number, text_string

if TYPE_CHECKING:
    import pikepdf

    from ..extension import Extension
    from .fields import TerminalField

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s*%%EOF\s*$")
_VALUE_KEYS = ("/V", "/AS", "/AP")
#: Appearance streams shorter than this are stored as they are: deflate would save
#: a few bytes and cost more than drawing them.
_COMPRESS_FROM = 160
# A small window and little memory: appearance streams are short, and setting up a
# full-size deflate state costs ten times more than compressing them. Copied, never used.
_SMALL_DEFLATE = zlib.compressobj(1, zlib.DEFLATED, 12, 4)


def _deflate(template: "zlib._Compress", data: bytes) -> bytes:
    packer = template.copy()
    return packer.compress(data) + packer.flush()


def unparse_dict(obj: pikepdf.Object, drop: tuple[str, ...] = ()) -> bytes:
    """``<< ... `` of a dictionary, without the closing ``>>`` and the keys in ``drop``."""
    from pikepdf import Name

    parts = [b"<<"]
    for key in sorted(obj.keys()):  # pikepdf gives a set: sorted, a fill writes the same bytes every time
        if key in drop:
            continue
        parts.append(Name(key).unparse())
        value = obj[key]
        parts.append(_scalar(value) if isinstance(value, (int, float, bool)) else value.unparse())
    return b" ".join(parts)


def _scalar(value: int | float | bool) -> bytes:
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode("ascii")
    return number(value)


#: Most appearances a compiled form keeps for reuse (a few MB at most).
_DRAWN_LIMIT = 4096
#: Most value strings and texts known to be simple a compiled form keeps (short texts: well under a MB).
_TEXTS_LIMIT = 8192
#: Most layouts of an update's cross-reference stream a compiled form keeps (a batch uses a handful).
_LAYOUTS = 64
#: One row of a cross-reference stream: type, offset or object stream, generation or index (/W [1 4 2]).
_ROW = struct.Struct(">BIH")
_number = itemgetter(0)  # of a packed (number, body)
_offset = itemgetter(2)  # of a whole object's (number, generation, offset)


@dataclass
class Widget:
    """One widget of a slot: its object number, prepared bytes and box size."""

    num: int
    gen: int
    head: bytes         # the dictionary without /V /AS /AP and without its closing ``>>``
    width: float
    height: float
    form: bytes = b""   # an appearance stream's dictionary entries for this box (all but /Length), unspaced
    pnum: int = 0       # its number in the update's list of dictionaries: negative when not in the object stream
    vhead: bytes = b""  # ``head`` followed by `` /V ``
    widest: float = 0.0  # one-line box: the widest text drawn at full size (1/1000 em)
    line: bytes = b""   # one-line box: the appearance's content up to its text, at full size
    apnum: int = 0      # its appearance dictionary's object number, when it is an object of its own (else 0)
    box: tuple[float, float, bool, float] = (0.0, 0.0, False, 0.0)  # width, height, multiline, font size
    ap_blank: bytes = b""  # that dictionary as the blank has it


@dataclass
class Slot:
    """One terminal field of the form, ready to receive a value."""

    path: str
    field: Field
    kind: str                        # "text", "long", "choice", "check"
    merged: bool                     # field and its only widget are one object
    num: int
    gen: int
    head: bytes                      # field dictionary without /V (/AS /AP if merged), no closing ``>>``
    widgets: list[Widget] = dataclasses.field(default_factory=list)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    size: float = appearance.SIZE
    on_state: bytes = b"/Yes"
    dirty: bool = False              # the template itself holds a value: always rewrite
    pnum: int = 0                    # as Widget.pnum
    vnum: int = 0                    # its value's object number when the value and every widget's appearance
                                     # dictionary are objects of their own (the built-in forms): then a fill
                                     # writes those objects and never the dictionaries (else 0)


def _isal_deflate(data: bytes, level: int) -> bytes:
    """``data`` deflated with ISA-L: a third of zlib's time for the object stream, and as small."""
    from isal import isal_zlib  # imported on first use: a fill that compresses nothing never loads it

    return isal_zlib.compress(data, level)


class CompiledForm:
    """A blank form prepared once; :meth:`render` fills it with a record."""

    def __init__(self, kind: str, base: bytes, *, name: str, custom: bool, password: str | None = None,
                 flatten: bool = False, font: Metrics | None = None,
                 fonts: tuple[str | os.PathLike[str], ...] = (), system_fonts: bool = True,
                 extension: Extension | None = None) -> None:
        self.kind = kind
        self.cat: Catalogue = catalogue(kind, extension)
        self.password = password or None
        self.flatten = bool(flatten)
        self.metrics = font or metrics()
        #: the fallback chain for what the bundled font cannot draw alone (user fonts load now)
        self.chain = FontChain(fonts, system=system_fonts)
        # Text the fast path draws: characters of the bundled font that need no shaping.
        self._simple = _simple_chars(self.metrics)
        self.base = base if base.endswith(b"\n") else base + b"\n"
        tail = _STARTXREF.search(base[-2048:])
        if tail is None:
            raise FormError(name, "the blank form has no cross-reference section at its end")
        self.prev = int(tail.group(1))
        # pikepdf (qpdf) is loaded here, not with the module: parsing the blank form is the
        # only step of a fill that needs it (and the encrypted or flattened copies).
        import pikepdf

        from .fields import FieldTreeError, terminal_fields

        try:
            pdf = pikepdf.open(io.BytesIO(base))
        except pikepdf.PdfError as exc:
            raise FormError(name, f"not a readable PDF ({_first_line(exc)})") from None
        with pdf:
            trailer = pdf.trailer
            self.size = int(trailer.Size)
            self.root = trailer.Root.objgen
            info = trailer.get("/Info")
            self.info = info.objgen if info is not None and info.is_indirect else None
            ids = trailer.get("/ID")
            self.id0 = bytes(ids[0]).hex().encode() if ids is not None else hashlib.md5(base).hexdigest().encode()
            dr_font = pdf.Root.AcroForm.DR.Font.get("/" + RESOURCE_NAME)
            if dr_font is None or not dr_font.is_indirect:
                raise FormError(name, f"the blank form lacks its /{RESOURCE_NAME} font")
            self.font_ref = b"%d %d R" % dr_font.objgen
            dr = pdf.Root.AcroForm.DR
            # The built-in forms keep /DR in an object of its own: each appearance names it.
            self.resources = (b"/Resources %d %d R" % dr.objgen if dr.is_indirect else
                              b"/Resources << /Font << /" + RESOURCE_NAME.encode() + b" " + self.font_ref + b" >> >>")
            try:
                found = [tf for tf in terminal_fields(pdf) if tf.has_value]
            except FieldTreeError as exc:
                raise FormError(name, str(exc)) from None
            self.slots = self._slots(found, name, custom)
        if custom:
            # A template from elsewhere may share a value object with other entries (a /DV naming
            # the same string): its fields are written whole, as before value objects existed.
            for slot in self.slots:
                slot.vnum = 0
        self._own_objects()
        # In the order of the objects they write: then a fill packs them in ascending numbers.
        self.slots.sort(key=lambda slot: _packs(slot)[0])
        self._ascending = _ascending(self.slots)
        self.by_path = {slot.path: slot for slot in self.slots}
        # Paths whose text value the field shows as it is (Field.to_text gives str(value)):
        # values() skips that call for them, most of a batch record's values.
        self._as_is = frozenset(slot.path for slot in self.slots if slot.kind != "check" and slot.field.kind
                                not in (FieldKind.DATE, FieldKind.NUMBER, FieldKind.CHECKBOX))
        self._ascii_labels = all(label.isascii() for slot in self.slots for label in slot.labels.values())
        # Generation of each object the update may rewrite (0 for all of ours).
        self._generation = {n: g for slot in self.slots
                            for n, g in [(slot.num, slot.gen)] + [(w.num, w.gen) for w in slot.widgets]}
        self.rows = _rows_of(self.slots)
        # Appearances already drawn, by (width, height, text, multiline, size): in a
        # batch the same program, coordinator, dates and choices come back in most
        # documents, and drawing (wrapping, number formatting) is most of a fill.
        # Kept as the stream object's bytes after ``N 0 obj``, compressed where that pays.
        self._drawn: dict[tuple[tuple[float, float, bool, float], str], bytes] = {}
        # Values as PDF strings, and texts the fast path draws alone, as found in earlier documents.
        self._encoded: dict[str, bytes] = {}
        self._plain_texts: set[str] = set()
        # By the numbers packed and the count of new objects: the cross-reference stream's /Index,
        # the rows of the packed objects, the object stream's offset-table format, the rows' packer.
        self._layouts: dict[tuple[tuple[int, ...], int], tuple[bytes, bytes, bytes, struct.Struct]] = {}
        self._info_entry = b" /Info %d %d R" % self.info if self.info else b""

    # -- preparing ---------------------------------------------------------------------

    def _slots(self, found: list[TerminalField], name: str, custom: bool) -> list[Slot]:
        unknown = [tf.name for tf in found if self.cat.lookup(tf.name) is None]
        slots = [self._slot(tf, self.cat.lookup(tf.name)) for tf in found if self.cat.lookup(tf.name) is not None]
        if custom:
            present = {s.path for s in slots}
            expected = {path for path, _ in self.cat.expand(_rows_of(slots))}
            missing = [p for p, _ in self.cat.expand(_rows_of(slots)) if p not in present]
            problems = []
            if unknown:
                problems.append("fields not in the data model: " + ", ".join(unknown[:12])
                                + (f" and {len(unknown) - 12} more" if len(unknown) > 12 else ""))
            if missing:
                problems.append("missing fields: " + ", ".join(missing[:12])
                                + (f" and {len(missing) - 12} more" if len(missing) > 12 else ""))
            del expected
            if problems:
                raise TemplateError(f"{name}: " + "; ".join(problems))
        return slots

    def _slot(self, tf: TerminalField, fd: Field | None) -> Slot:
        import pikepdf
        from pikepdf import Name

        assert fd is not None
        if not tf.widgets:
            raise TemplateError(f"field {tf.name} has no widget on any page")
        merged = len(tf.widgets) == 1 and tf.widgets[0].objgen == tf.obj.objgen
        if tf.is_checkbox:
            kind = "check"
        elif tf.ftype == "/Ch":
            kind = "choice"
        else:
            kind = "long" if fd.kind is FieldKind.LONG_TEXT else "text"
        expected = {FieldKind.CHECKBOX: "check", FieldKind.CHOICE: "choice", FieldKind.LONG_TEXT: "long"}
        if kind == "check" and fd.kind is not FieldKind.CHECKBOX or fd.kind is FieldKind.CHECKBOX and kind != "check":
            raise TemplateError(f"field {tf.name} should be a {expected.get(fd.kind, 'text')} field")
        num, gen = tf.obj.objgen
        drop = _VALUE_KEYS if merged else ("/V",)
        slot = Slot(path=tf.name, field=fd, kind=kind, merged=merged, num=num, gen=gen,
                    head=unparse_dict(tf.obj, drop), widgets=[])
        slot.pnum = num if not gen else -num
        slot.dirty = "/V" in tf.obj and str(tf.obj.get("/V")) not in ("", "/Off")
        if kind == "choice":
            for option in tf.obj.get("/Opt", []):
                if isinstance(option, pikepdf.Array) and len(option) >= 2:
                    slot.labels[str(option[0])] = str(option[1])
                else:
                    slot.labels[str(option)] = str(option)
        da = str(tf.obj.get("/DA", ""))
        size = re.search(r"([\d.]+)\s+Tf", da)
        if size and float(size.group(1)) > 0:
            slot.size = float(size.group(1))
        for widget in tf.widgets:
            x1, y1, x2, y2 = (float(v) for v in widget.get("/Rect", [0, 0, 0, 0]))
            wnum, wgen = widget.objgen
            head = unparse_dict(widget, _VALUE_KEYS)
            w = Widget(wnum, wgen, head, abs(x2 - x1), abs(y2 - y1))
            # Objects of a generation other than 0 cannot go in an object stream.
            w.pnum = wnum if not wgen else -wnum
            w.vhead = head + b" /V "
            w.form = b"/Subtype/Form/BBox[0 0 " + number(w.width) + b" " + number(w.height) + b"]" + self.resources
            if kind in ("text", "choice"):
                w.widest, w.line = appearance.line_head(self.metrics, w.width, w.height, slot.size)
            if kind == "check":
                ap = widget.get("/AP")
                normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
                states = [k for k in normal.keys() if k != "/Off"] if isinstance(normal, pikepdf.Dictionary) else []
                if not states:
                    raise TemplateError(f"checkbox {tf.name} has no 'on' appearance")
                slot.on_state = Name(states[0]).unparse()
                assert isinstance(ap, pikepdf.Dictionary)  # states came from its /N
                keep_ap = b" /AP " + ap.unparse()
                w.head = head + keep_ap
                if widget.get("/AS") not in (None, Name.Off):
                    slot.dirty = True
            w.box = (w.width, w.height, kind == "long", slot.size)
            if kind != "check":
                ap = widget.get("/AP")
                if ap is not None and ap.is_indirect and ap.objgen[1] == 0 and isinstance(ap, pikepdf.Dictionary):
                    w.apnum = ap.objgen[0]
                    w.ap_blank = ap.unparse()
            slot.widgets.append(w)
        value = tf.obj.get("/V")
        if (kind != "check" and not slot.dirty and value is not None and value.is_indirect
                and value.objgen[1] == 0 and isinstance(value, pikepdf.String)
                and all(w.apnum for w in slot.widgets)):
            slot.vnum = value.objgen[0]
        return slot

    def _own_objects(self) -> None:
        """Keep the value-and-appearance-objects way of filling only for slots whose objects nothing
        else shares: writing a shared one would change another field too (a custom template may share)."""
        uses: dict[int, int] = {}
        for slot in self.slots:
            for num in [slot.num] + [w.num for w in slot.widgets] + (
                    [slot.vnum] + [w.apnum for w in slot.widgets] if slot.vnum else []):
                uses[num] = uses.get(num, 0) + 1
        for slot in self.slots:
            if slot.vnum and any(uses[num] > 1 for num in [slot.vnum] + [w.apnum for w in slot.widgets]):
                slot.vnum = 0

    # -- rendering ---------------------------------------------------------------------

    @property
    def list_limits(self) -> Mapping[str, int]:
        """Rows per list pattern on this form: a record with more items cannot be filled in."""
        return self.rows

    def check_capacity(self, record: Record) -> None:
        """Refuse a record with more list items than the form has rows, or a value it has no field for."""
        problems = list_limit_problems(record, self.rows, "PDF form")
        if not problems:
            problems = [Problem(path, "this PDF form has no field for it") for path in record.flat
                        if path not in self.by_path]
        if problems:
            raise DataError(problems)

    def values(self, record: Record) -> dict[str, str | bool]:
        """The text (or tick) each field gets for ``record``."""
        self.check_capacity(record)
        out: dict[str, str | bool] = {}
        as_is = self._as_is
        by_path = self.by_path
        for path, value in record.flat.items():
            if value.__class__ is str and path in as_is:
                out[path] = value
                continue
            slot = by_path[path]
            if slot.kind == "check":
                out[path] = bool(value)
            else:
                out[path] = slot.field.to_text(value)
        return out

    def render(self, record: Record) -> bytes:
        """The filled form for a validated record."""
        filled = self.render_values(self.values(record))
        if self.flatten or self.password:
            filled = _rewrite(filled, password=self.password, flatten=self.flatten)
        return filled

    def render_values(self, values: Mapping[str, str | bool]) -> bytes:
        """Append one incremental update that gives each field its value and appearance."""
        out = [self.base]
        pos = len(self.base)
        plain: list[tuple[int, int, int]] = []        # (number, generation, offset) of whole objects
        packed: list[tuple[int, bytes]] = []          # (number, body) of objects in the object stream
        nxt = self.size
        m = self.metrics
        text_width = m.text_width
        literal = m.literal
        cache = self._drawn
        # Appearances already written in this document, by what they show: equal boxes
        # with equal text (dates, choices, statuses) share one stream object.
        written: dict[tuple[tuple[float, float, bool, float], str], int] = {}
        drawn: dict[tuple[str, int], bytes]
        fonts_objs: list[tuple[int, bytes]]
        encoded_cache = self._encoded
        encoded_of = encoded_cache.get
        if self._all_simple(values):
            drawn, fonts_objs, resources = {}, [], self.resources  # all on the fast path
        else:
            drawn, fonts_objs, resources = self._complex(values)
        for num, obj in fonts_objs:
            plain.append((num, 0, pos))
            out.append(obj)
            pos += len(obj)
            nxt = max(nxt, num + 1)
        for slot in self.slots:
            value = values.get(slot.path)
            if value is None or value == "" or value is False:
                if not slot.dirty:
                    continue
                value = False if slot.kind == "check" else ""
            if slot.kind == "check":
                state = slot.on_state if value else b"/Off"
                if not slot.merged:
                    packed.append((slot.pnum, slot.head + b" /V " + state + b" >>"))
                for w in slot.widgets:
                    extra = (b" /V " + state) if slot.merged else b""
                    packed.append((w.pnum, w.head + extra + b" /AS " + state + b" >>"))
                continue
            text = str(value)
            shown = slot.labels.get(text, text) if slot.kind == "choice" else text
            encoded = encoded_of(text)
            if encoded is None:
                encoded = text_string(text)
                if len(encoded_cache) >= _TEXTS_LIMIT:
                    encoded_cache.clear()
                encoded_cache[text] = encoded
            own = slot.vnum
            # With a value and appearance dictionaries that are objects of their own, those are
            # written (the value after the appearances: the blank numbers them so), and the
            # field's dictionary stays the blank's.
            if not own and not slot.merged:
                packed.append((slot.pnum, slot.head + b" /V " + encoded + b" >>"))
            long = slot.kind == "long"
            for i, w in enumerate(slot.widgets):
                # /V goes into the widget when field and widget are one object
                if own:
                    pnum, start = w.apnum, b""
                else:
                    pnum, start = w.pnum, (w.vhead + encoded if slot.merged else w.head)
                if not shown:
                    packed.append((pnum, w.ap_blank if own else start + b" >>"))
                    continue
                content = drawn.get((slot.path, i)) if drawn else None
                if content is not None:
                    length, data = self._stream_bytes(content)
                    tail = (b"<</Subtype/Form/BBox[0 0 " + number(w.width) + b" " + number(w.height) + b"]"
                            + resources + length + b">>stream\n" + data + b"\nendstream\nendobj\n")
                else:
                    key = (w.box, shown)
                    same = written.get(key)
                    if same is not None:
                        packed.append((pnum, start + b" /AP << /N %d 0 R >> >>" % same if start
                                       else b"<< /N %d 0 R >>" % same))
                        continue
                    cached = cache.get(key)
                    if cached is not None:
                        tail = cached
                    else:
                        if w.line and text_width(shown) <= w.widest and not (
                                "\n" in shown or "\r" in shown or "\t" in shown):
                            # One line at full size: the box's prepared start and the text.
                            content = w.line + b" (" + literal(shown) + b") Tj ET Q EMC"
                        else:
                            content = appearance.text_stream(m, w.width, w.height, shown, multiline=long,
                                                             size=slot.size)
                        length, data = self._stream_bytes(content)
                        tail = b"<<" + w.form + length + b">>stream\n" + data + b"\nendstream\nendobj\n"
                        if len(cache) >= _DRAWN_LIMIT:
                            cache.clear()  # bounded: long free texts rarely repeat
                        cache[key] = tail
                    written[key] = nxt
                obj = b"%d 0 obj\n" % nxt
                plain.append((nxt, 0, pos))
                out.append(obj)
                out.append(tail)
                pos += len(obj) + len(tail)
                packed.append((pnum, start + b" /AP << /N %d 0 R >> >>" % nxt if start else b"<< /N %d 0 R >>" % nxt))
                nxt += 1
            if own:
                packed.append((own, encoded))
        if not packed and not plain:
            return self.base
        return self._finish(out, pos, plain, packed, nxt)

    def _all_simple(self, values: Mapping[str, str | bool]) -> bool:
        """Whether the fast path draws every value of ``values`` alone (no shaping, no other font)."""
        if not self._ascii_labels:
            return False
        known = self._plain_texts
        simple = self._simple
        for value in values.values():
            if value is True or value is False or value.isascii() or value in known:
                continue
            if not all(c in simple for c in value):
                return False
            if len(known) >= _TEXTS_LIMIT:
                known.clear()
            known.add(value)
        return True

    def _stream_bytes(self, content: bytes) -> tuple[bytes, bytes]:
        """The /Length (and /Filter) entries and the data of an appearance stream."""
        if len(content) >= _COMPRESS_FROM:
            data = _isal_deflate(content, 1)
            return b"/Filter/FlateDecode/Length %d" % len(data), data
        return b"/Length %d" % len(content), content

    def _finish(self, out: list[bytes], pos: int, plain: list[tuple[int, int, int]],
                packed: list[tuple[int, bytes]], nxt: int) -> bytes:
        """The object stream of the new dictionaries, then the cross-reference stream, table and trailer.

        A dictionary whose generation is not 0 (a custom template may have some)
        cannot live in an object stream: it is written as a whole object.
        """
        size = self.size
        if (packed and plain and plain[0][0] == size and plain[-1][0] == size + len(plain) - 1
                and all(num >= 0 for num, _ in packed)):
            return self._finish_fast(out, pos, plain, packed, nxt)
        in_stream = [(num, body) for num, body in packed if num >= 0]
        # The update's own ID: a digest of the new dictionaries, which hold every value
        # (everything else in the update is drawn from them), so equal fills are equal files.
        digest = hashlib.md5()
        for num, body in packed:
            if num < 0:
                digest.update(body)
                gen = self._generation[-num]
                obj = b"%d %d obj\n%s\nendobj\n" % (-num, gen, body)
                plain.append((-num, gen, pos))
                out.append(obj)
                pos += len(obj)
        entries: list[tuple[int, int, int, int]] = [(num, 1, off, gen) for num, gen, off in plain]
        if in_stream:
            stream_num = nxt
            nxt += 1
            nums = [num for num, _ in in_stream]
            bodies = [body for _, body in in_stream]
            starts = accumulate((len(body) + 1 for body in bodies), initial=0)
            index = b" ".join(map(b"%d %d".__mod__, zip(nums, starts))) + b"\n"
            # Level 1 on the whole stream (tens of kilobytes): fast, and the window sees the
            # repeats between dictionaries.
            data = _isal_deflate(index + b"\n".join(bodies) + b"\n", 1)
            digest.update(data)
            obj = (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                   % (stream_num, len(in_stream), len(index), len(data)) + data + b"\nendstream\nendobj\n")
            entries.append((stream_num, 1, pos, 0))
            out.append(obj)
            pos += len(obj)
            entries += [(num, 2, stream_num, i) for i, (num, _) in enumerate(in_stream)]
        xref_num = nxt
        # A hybrid section (PDF 32000-1, 7.5.8.4): a cross-reference stream lists the
        # update's objects and a classic table only that stream, its trailer pointing at
        # it (/XRefStm). The update ends like a classic one, so tools that read or append
        # only after a classic table (pdftk, endesive) can; readers of PDF 1.5 find every
        # entry in the stream, where each costs 7 bytes before compression, not 20.
        entries.sort()
        rows = struct.pack(">" + "BIH" * len(entries), *[v for entry in entries for v in entry[1:]])
        data = _deflate(_SMALL_DEFLATE, rows)
        stream = (b"%d 0 obj\n<< /Type /XRef /Size %d /Index [%s] /W [1 4 2] /Filter /FlateDecode /Length %d >>\n"
                  b"stream\n%s\nendstream\nendobj\n"
                  % (xref_num, xref_num + 1, b" ".join(_runs([entry[0] for entry in entries])), len(data), data))
        out.append(stream)
        table = [b"xref\n%d 1\n%010d 00000 n \n" % (xref_num, pos)]
        info = b" /Info %d %d R" % self.info if self.info else b""
        hybrid = b" /XRefStm %d" % pos
        table.append(b"trailer\n<< /Size %d /Root %d %d R%s /Prev %d /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
                     % (max(self.size, xref_num + 1), self.root[0], self.root[1], info, self.prev, self.id0,
                        digest.hexdigest().encode(), hybrid, pos + len(stream)))
        out.append(b"".join(table))
        return b"".join(out)

    def _finish_fast(self, out: list[bytes], pos: int, plain: list[tuple[int, int, int]],
                     packed: list[tuple[int, bytes]], nxt: int) -> bytes:
        """:meth:`_finish` for the usual update, made of the same pieces in every document: packed
        objects of the blank (numbers below its /Size) and new whole objects numbered on from it.

        What depends only on which objects are written (the cross-reference stream's
        subsections, the rows of the packed objects) is kept from one document to the next.
        """
        if not self._ascending:
            packed.sort(key=_number)  # the object stream in the order the cross-reference stream lists it
        nums, bodies = zip(*packed)
        n = len(nums)
        stream_num = nxt
        layout = (nums, len(plain))
        known = self._layouts.get(layout)
        if known is None:
            if len(self._layouts) >= _LAYOUTS:
                self._layouts.clear()
            runs = b" ".join(_runs(list(nums) + list(range(self.size, stream_num + 1))))
            rows = b"".join([_ROW.pack(2, stream_num, i) for i in range(n)])
            known = self._layouts[layout] = (runs, rows, b" ".join([b"%d %d"] * n),
                                             struct.Struct(">" + "BIH" * (len(plain) + 1)))
        runs, rows, index_format, plain_rows = known
        # Each object's offset in the stream: the lengths before it, and a line break after each.
        pairs: list[int] = [0] * (2 * n)
        pairs[0::2] = nums
        pairs[1::2] = map(add, accumulate(map(len, bodies), initial=0), range(n))
        index = index_format % tuple(pairs)
        data = _isal_deflate(index + b"\n" + b"\n".join(bodies) + b"\n", 1)
        # The update's own ID: a digest of the values it writes (everything else is drawn from them);
        # BLAKE2 rather than MD5: the same job in less time.
        digest = hashlib.blake2b(data, digest_size=16).hexdigest().encode()
        obj = (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
               % (stream_num, n, len(index) + 1, len(data)) + data + b"\nendstream\nendobj\n")
        out.append(obj)
        fields: list[int] = [1, 0, 0] * (len(plain) + 1)
        fields[1::3] = list(map(_offset, plain)) + [pos]
        rows += plain_rows.pack(*fields)
        pos += len(obj)
        xref_num = stream_num + 1
        data = _isal_deflate(rows, 1)
        stream = (b"%d 0 obj\n<< /Type /XRef /Size %d /Index [%s] /W [1 4 2] /Filter /FlateDecode /Length %d >>\n"
                  b"stream\n%s\nendstream\nendobj\n" % (xref_num, xref_num + 1, runs, len(data), data))
        out.append(stream)
        out.append(b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d %d R%s /Prev %d /ID [<%s> <%s>] "
                   b"/XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n"
                   % (xref_num, pos, max(self.size, xref_num + 1), self.root[0], self.root[1], self._info_entry,
                      self.prev, self.id0, digest, pos, pos + len(stream)))
        return b"".join(out)

    def _complex(self, values: Mapping[str, str | bool]) -> tuple[dict[tuple[str, int], bytes],
                                                                  list[tuple[int, bytes]], bytes]:
        """Appearances of the values the fast path cannot draw, and the fonts they need.

        Returns the content by (field path, widget index), the font objects to add
        (numbered from the first free object number) and the /Resources naming them.
        Warns once for the document when no font has some characters.
        """
        simple = self._simple
        drawings: dict[tuple[str, int], Drawing] = {}
        fonts: DocumentFonts | None = None
        missing = textlayout.Missing({})
        for slot in self.slots:
            value = values.get(slot.path)
            if slot.kind == "check" or not isinstance(value, str) or not value:
                continue
            shown = slot.labels.get(value, value) if slot.kind == "choice" else value
            if shown.isascii() or all(c in simple for c in shown):
                continue
            fonts = fonts or DocumentFonts()
            for i, w in enumerate(slot.widgets):
                drawings[(slot.path, i)] = textlayout.text_stream(
                    self.chain, fonts, w.width, w.height, shown, multiline=slot.kind == "long", size=slot.size,
                    path=slot.path, missing=missing)
        if missing.chars:
            lost = [c for chars in missing.chars.values() for c in chars]
            warnings.warn(MissingGlyphsWarning(
                "; ".join(f"{path}: no font has {describe_missing(chars)}" for path, chars in missing.chars.items())
                + f"; install {package_hint(lost)} or pass --font"), stacklevel=3)
        if fonts is None:
            return {}, [], self.resources
        objs, resources = fonts.objects(self.size, self.font_ref)
        return {key: fonts.finish(drawing) for key, drawing in drawings.items()}, objs, resources


def _packs(slot: Slot) -> list[int]:
    """The numbers of the objects a fill may pack for ``slot``, in the order it packs them."""
    if slot.vnum:
        return [w.apnum for w in slot.widgets] + [slot.vnum]
    return ([] if slot.merged else [slot.pnum]) + [w.pnum for w in slot.widgets]


def _ascending(slots: list[Slot]) -> bool:
    """Whether the objects a fill may pack come in ascending numbers, in the order it packs them (then
    the update's object stream needs no sorting): so for the built-in forms."""
    order = [num for slot in slots for num in _packs(slot)]
    return all(a < b for a, b in zip(order, order[1:])) and all(num > 0 for num in order)


def _runs(numbers: list[int]) -> list[bytes]:
    """``first count`` for each run of consecutive numbers in a sorted list (a cross-reference subsection)."""
    runs: list[bytes] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        runs.append(b"%d %d" % (numbers[i], j - i + 1))
        i = j + 1
    return runs


def _simple_chars(m: Metrics) -> frozenset[str]:
    """Characters the fast path draws well: in the bundled font, left-to-right, not combining."""
    import unicodedata

    out = {"\n", "\r", "\t"}
    for code in m.cmap:
        ch = chr(code)
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Mc", "Cf"):
            continue
        if unicodedata.bidirectional(ch) in ("R", "AL", "AN"):
            continue
        out.add(ch)
    return frozenset(out)


def _rows_of(slots: list[Slot]) -> dict[str, int]:
    """Rows per list pattern, from the indices the form's field names use."""
    rows: dict[str, int] = {}
    for slot in slots:
        parts = slot.path.split(".")
        for i, part in enumerate(parts):
            if part.isdigit():
                pattern = pattern_of(".".join(parts[:i]))
                rows[pattern] = max(rows.get(pattern, 0), int(part) + 1)
    return rows


def flatten_form(pdf: pikepdf.Pdf) -> None:
    """Draw every field's appearance into its page and remove the form: nothing stays editable."""
    import pikepdf
    from pikepdf import Name

    pdf.flatten_annotations("all")
    # Empty fields have no appearance to draw; they must not stay editable either.
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            kept = [a for a in annots if a.get("/Subtype") != Name.Widget]
            if kept:
                page.obj.Annots = pikepdf.Array(kept)
            else:
                del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


def _rewrite(filled: bytes, *, password: str | None, flatten: bool) -> bytes:
    """A full rewrite through qpdf: drawn-in values (flatten) and/or AES-256 encryption."""
    import pikepdf

    with pikepdf.open(io.BytesIO(filled)) as pdf:
        if flatten:
            flatten_form(pdf)
        out = io.BytesIO()
        encryption = pikepdf.Encryption(owner=password, user=password, R=6, aes=True) if password else None
        pdf.save(out, encryption=encryption or False, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def compile_form(kind: str, template: bytes | None, *, name: str = "template", password: str | None = None,
                 flatten: bool = False, fonts: tuple[str | os.PathLike[str], ...] = (),
                 system_fonts: bool = True, paper: str = "letter", extension: Extension | None = None) -> CompiledForm:
    """Prepare ``template`` (or the built-in blank form for ``paper``, with an extension's questions) for
    filling many records.

    ``fonts``: font files to try, in order, for characters the bundled font lacks
    (before the system's fonts; ``system_fonts=False`` leaves those out).
    """
    from .templates import blank_template

    if template is None:
        if password is None and not flatten and not fonts and system_fonts and extension is None:
            from .prepared import load  # the built-in blank, compiled already: no pikepdf

            prepared = load(kind, paper)  # None when its file is stale: then the blank is parsed
            if prepared is not None:
                return prepared
        return CompiledForm(kind, blank_template(kind, paper, extension), name="built-in form", custom=False,
                            password=password, flatten=flatten, fonts=fonts, system_fonts=system_fonts,
                            extension=extension)
    from .normalise import normalise  # a customised template only: it loads the form generator

    return CompiledForm(kind, normalise(template, name=name), name=name, custom=True,
                        password=password, flatten=flatten, fonts=fonts, system_fonts=system_fonts,
                        extension=extension)
