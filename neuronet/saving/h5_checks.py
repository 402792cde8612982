"""Safe reading of HDF5 files: every check runs before any data is read.

An HDF5 file is more than arrays: it can hold links to other files (external links), datasets
whose bytes live in other files (external storage) or in other datasets (virtual datasets),
links that loop, and sizes it does not have the bytes for. h5py follows all of these on
access, and reading a dataset that declares 2**40 elements allocates that much memory.
``open_hdf5`` therefore walks the whole object tree once, link by link and without following
any link, and refuses the file unless it is made only of what Keras writes:

- groups and datasets reached through hard links, each reached once (no cycles, no sharing);
- datasets stored inside the file (no external storage, no virtual layout), filtered only by
  HDF5's built-in codecs, declaring no more bytes than the file can hold (64 times as many,
  up to 4 GiB, when compressed);
- names (of links and attributes) that are valid UTF-8; attributes of sane size;
- at most ``MAX_OBJECTS`` links and attributes in all.

Then ``read_array`` reads a dataset once its dtype and shape are checked, and
``read_json_attribute`` / ``read_string_list_attribute`` read Keras's attributes once their
type and shape are checked. Variable-length strings are read from the file's bytes by
``h5_strings.RawFile``, never by HDF5, whose string-heap reader allocates whatever length a
file declares and can loop forever on a malformed heap.

Every problem is a ``FileFormatError`` whose message starts with the file's name, then the
object inside the file, then what is wrong; whatever h5py raises is turned into it.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np

from neuronet.errors import FileFormatError
from neuronet.saving.config_checks import parse_json
from neuronet.saving.h5_strings import RawFile

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import ModuleType

    import h5py

MAX_OBJECTS = 100_000  # links plus attributes; Keras writes a few per layer
MAX_EXPANSION = 64  # a compressed dataset may declare this many times the file's size...
MAX_EXPANDED_BYTES = 4 * 2**30  # ...up to this many bytes (more only if the file is larger)
MAX_ATTRIBUTE_ELEMENTS = 1_000_000
MAX_ATTRIBUTE_BYTES = 64 * 2**20
# HDF5's own codecs (and h5py's LZF); any other filter id would make HDF5 load a plugin.
ALLOWED_FILTERS = {1: "deflate", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
FLOAT_SIZES = (2, 4, 8)

# What h5py raises for files it cannot parse; all of them become FileFormatError.
_H5_ERRORS = (
    OSError,
    KeyError,
    ValueError,
    TypeError,
    RuntimeError,
    IndexError,
    OverflowError,
    MemoryError,
    SystemError,
)

# HDF5 file number -> its RawFile, for files open_hdf5 checked and holds
_checked_files: dict[int, RawFile] = {}


def require_h5py() -> ModuleType:
    """The h5py module, or an ImportError that says how to install it."""
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "Saving and loading HDF5 files needs h5py: pip install 'neuronet[h5]'."
        ) from None
    return h5py


_refuse = FileFormatError.at


@contextlib.contextmanager
def h5_errors(source: str, where: str, doing: str) -> Iterator[None]:
    """Turn any exception h5py raises inside the block into a FileFormatError."""
    try:
        yield
    except FileFormatError:
        raise
    except _H5_ERRORS as error:
        raise _refuse(source, where, f"{doing} failed ({type(error).__name__}: {error})") from error


def _label(source, name):
    if name is not None:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return os.fsdecode(source)
    return str(getattr(source, "name", None) or f"<{type(source).__name__}>")


@contextlib.contextmanager
def open_hdf5(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
    name: str | None = None,
) -> Iterator[h5py.File]:
    """Open ``source`` read-only, check its whole structure, and yield the ``h5py.File``.

    A path is opened once, by Python, and h5py reads through that handle: nothing else is
    opened, whatever the file says.

    Args:
        source: a path, a binary file-like object (``io.BytesIO``) or ``bytes``.
        name: how error messages name the file (default: the path, or the object's ``name``).

    Raises:
        FileFormatError: the file cannot be opened or is refused by ``check_file``.
    """
    h5py = require_h5py()
    label = _label(source, name)
    with contextlib.ExitStack() as stack:
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = io.BytesIO(bytes(source))
        elif not hasattr(source, "read"):
            with h5_errors(label, "/", "opening the file"):
                source = stack.enter_context(open(os.fspath(source), "rb"))
        with h5_errors(label, "/", "opening the file as HDF5"):
            file = stack.enter_context(h5py.File(source, "r"))
        # By now source is a binary file object: the caller's, or one opened above.
        with checked(file, label, handle=cast("IO[bytes]", source)):
            yield file


@contextlib.contextmanager
def checked(
    group: h5py.Group | h5py.Dataset, source: str, handle: IO[bytes] | None = None
) -> Iterator[None]:
    """Within the block, ``group``'s file has passed ``check_file``: checked on entry unless
    an enclosing ``checked``/``open_hdf5`` already did (one walk per file, however many
    readers share it). ``handle`` is the Python file object h5py reads through, if any."""
    with h5_errors(source, "/", "inspecting the file"):
        file = group.file
        fileno = file.id.fileno
    if fileno in _checked_files:
        yield
        return
    check_file(file, source)
    with h5_errors(source, "/", "inspecting the file"):
        raw = _checked_files[fileno] = RawFile(file, handle, source)
    try:
        yield
    finally:
        del _checked_files[fileno]
        raw.close()


def check_file(file: h5py.File, source: str) -> None:
    """Walk every link and attribute of ``file`` once; raise FileFormatError on the first
    problem (see the module's docstring for the list). Reads no dataset's data."""
    with h5_errors(source, "/", "walking the file's structure"):
        _Walk(file, source).run()


def _join(path, name):
    return f"{path.rstrip('/')}/{name}"


def _decoded_name(raw, source, parent):
    try:
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw.encode("utf-8").decode()
    except UnicodeError:
        raise _refuse(source, parent, f"the name {raw!r} is not valid UTF-8") from None


class _Walk:
    """One depth-first pass over the file, never following a link it has not checked."""

    def __init__(self, file: h5py.File, source: str) -> None:
        self.h5py = require_h5py()
        self.source = source
        self.file_size = file.id.get_filesize()
        self.count = 0
        self.root = self.h5py.h5g.open(file.id, b"/")

    def counted(self, number: int, where: str) -> None:
        self.count += number
        if self.count > MAX_OBJECTS:
            raise _refuse(
                self.source, where, f"more than {MAX_OBJECTS} links and attributes in the file"
            )

    def run(self) -> None:
        h5l, h5o = self.h5py.h5l, self.h5py.h5o
        visited = {h5o.get_info(self.root).addr}
        self.check_attributes(self.root, "/")
        stack = [(self.root, "/")]
        while stack:
            group, path = stack.pop()
            for raw_name, link_type, address in self.links(group, path):
                name = _decoded_name(raw_name, self.source, path)
                where = _join(path, name)
                if link_type == h5l.TYPE_SOFT:
                    target = group.links.get_val(raw_name).decode("utf-8", "replace")
                    raise _refuse(self.source, where, f"is a soft link (to {target!r}); refused")
                if link_type == h5l.TYPE_EXTERNAL:
                    other, _ = group.links.get_val(raw_name)
                    raise _refuse(
                        self.source,
                        where,
                        f"is an external link to the file {other.decode('utf-8', 'replace')!r}; "
                        "refused: nothing but this file may be read",
                    )
                if link_type != h5l.TYPE_HARD:
                    raise _refuse(self.source, where, f"is a user-defined link (type {link_type})")
                if address in visited:
                    raise _refuse(
                        self.source,
                        where,
                        "links to an object already reached by another path (a cycle or a "
                        "shared object)",
                    )
                visited.add(address)
                child = h5o.open(group, raw_name)
                child_info = h5o.get_info(child)
                if child_info.rc != 1:
                    raise _refuse(
                        self.source, where, f"has {child_info.rc} hard links; Keras writes one"
                    )
                self.check_attributes(child, where)
                if child_info.type == h5o.TYPE_GROUP:
                    stack.append((child, where))
                elif child_info.type == h5o.TYPE_DATASET:
                    check_storage(child, self.source, where, self.file_size)
                else:
                    raise _refuse(self.source, where, "is neither a group nor a dataset")

    def links(self, group: h5py.h5g.GroupID, path: str) -> list[tuple[bytes, int, int]]:
        """The group's (name, link type, address) triples; stops once past the object cap."""
        found = []

        def collect(name, info):
            # h5py reuses one LinkInfo object for every call: copy what is needed.
            found.append((name, info.type, info.u))
            # A truthy return value ends the iteration: no need to list a million links.
            return self.count + len(found) > MAX_OBJECTS or None

        group.links.iterate(collect, info=True)
        self.counted(len(found), path)
        return found

    def check_attributes(
        self, obj: h5py.h5g.GroupID | h5py.h5d.DatasetID | h5py.h5t.TypeID, where: str
    ) -> None:
        h5a = self.h5py.h5a
        number = h5a.get_num_attrs(obj)
        self.counted(number, where)
        for index in range(number):
            attribute = h5a.open(obj, index=index)
            name = _decoded_name(attribute.name, self.source, where)
            check_attribute_size(
                attribute, self.source, f"{where} attribute '{name}'", self.file_size
            )


def check_attribute_size(
    attribute: h5py.h5a.AttrID, source: str, where: str, file_size: int
) -> None:
    """Refuse an attribute (``h5py.h5a.AttrID``) declaring more than the file can hold or
    more than Keras ever writes. Reads only its header."""
    elements = math.prod(attribute.shape or ())
    size = elements * attribute.get_type().get_size()
    if elements > MAX_ATTRIBUTE_ELEMENTS or size > min(MAX_ATTRIBUTE_BYTES, file_size):
        raise _refuse(
            source,
            where,
            f"declares {elements} elements ({size} bytes) in a file of {file_size} bytes; "
            "refused before reading",
        )


def check_storage(dataset_id: h5py.h5d.DatasetID, source: str, where: str, file_size: int) -> None:
    """Refuse a dataset (``h5py.h5d.DatasetID``) whose bytes live outside the file or which
    declares more bytes than the file can hold. Reads only metadata."""
    h5d = require_h5py().h5d
    plist = dataset_id.get_create_plist()
    layout = plist.get_layout()
    # Checked before the dataspace: asking a virtual dataset its extent can open its sources.
    if layout == h5d.VIRTUAL:
        raise _refuse(
            source, where, "is a virtual dataset (its data comes from other datasets); refused"
        )
    if plist.get_external_count():
        other = plist.get_external(0)[0].decode("utf-8", "replace")
        raise _refuse(source, where, f"stores its data in the external file {other!r}; refused")
    if layout not in (h5d.COMPACT, h5d.CONTIGUOUS, h5d.CHUNKED):
        raise _refuse(source, where, f"has an unknown storage layout ({layout})")
    filters = [plist.get_filter(index)[0] for index in range(plist.get_nfilters())]
    for code in filters:
        if code not in ALLOWED_FILTERS:
            raise _refuse(
                source,
                where,
                f"uses HDF5 filter {code}; only {sorted(ALLOWED_FILTERS.values())} are read",
            )
    itemsize = dataset_id.get_type().get_size()
    shape = dataset_id.shape or ()  # None for a null dataspace: no elements
    declared = math.prod(shape) * itemsize
    if filters:
        limit = max(file_size, min(MAX_EXPANSION * file_size, MAX_EXPANDED_BYTES))
        room = f"{MAX_EXPANSION} times the file's {file_size} bytes (at most {limit})"
    else:
        limit = file_size
        room = f"the file's {file_size} bytes"
    if declared > limit:
        raise _refuse(
            source,
            where,
            f"declares shape {shape} of {itemsize}-byte items ({declared} "
            f"bytes), more than {room}: refused before reading",
        )
    if layout == h5d.CHUNKED:
        chunk = math.prod(plist.get_chunk()) * itemsize
        if chunk > limit:
            raise _refuse(source, where, f"declares {chunk}-byte chunks, more than {room}")


def check_dataset(
    dataset: object,
    source: str,
    expected_shape: Sequence[int] | None = None,
    kinds: str = "f",
) -> None:
    """Refuse ``dataset`` unless it is a dataset stored in its file, of a dtype kind in
    ``kinds`` (numpy kind letters: ``"f"`` floating point, ``"i"`` integer, ...) and, when
    ``expected_shape`` is given, of exactly that shape. Reads no data."""
    h5py = require_h5py()
    where = getattr(dataset, "name", None) or "?"
    with h5_errors(source, where, "inspecting the dataset"):
        if not isinstance(dataset, h5py.Dataset):
            raise _refuse(source, where, f"is a {type(dataset).__name__}, not a dataset")
        check_storage(dataset.id, source, where, dataset.file.id.get_filesize())
        if dataset.shape is None:
            raise _refuse(source, where, "holds no data (null dataspace)")
        dtype = dataset.dtype
        allowed = dtype.kind in kinds and (dtype.kind != "f" or dtype.itemsize in FLOAT_SIZES)
        if not allowed or dtype.itemsize > 8:
            wanted = "floating point" if kinds == "f" else f"of kind {kinds!r}"
            raise _refuse(source, where, f"has dtype {dtype}; it must be {wanted}")
        if expected_shape is not None and tuple(dataset.shape) != tuple(expected_shape):
            raise _refuse(
                source,
                where,
                f"has shape {tuple(dataset.shape)} but {tuple(expected_shape)} is expected",
            )


def read_array(
    dataset: h5py.Dataset,
    source: str,
    expected_shape: Sequence[int] | None = None,
    kinds: str = "f",
) -> np.ndarray:
    """The data of ``dataset`` as a NumPy array, read once, after ``check_dataset`` (and
    ``check_file`` on its file, unless that file is already ``checked``)."""
    with checked(dataset, source):
        check_dataset(dataset, source, expected_shape, kinds)
        with h5_errors(source, dataset.name, "reading the dataset"):
            return np.asarray(dataset[()])


def _attribute(obj, name, source, where, ndim, empty_numbers=False):
    """The value of the string attribute ``name`` of ``obj``, read only after its type, shape
    and size are checked: ``ndim`` dimensions of fixed or variable-length ASCII/UTF-8 strings.
    With ``empty_numbers``, an empty 1-D numeric array (Keras's "no names") reads as ``[]``."""
    h5t = require_h5py().h5t
    with h5_errors(source, where, "reading the attribute"):
        attribute = obj.attrs.get_id(name)
        check_attribute_size(attribute, source, where, obj.file.id.get_filesize())
        shape = attribute.shape
        if shape is None:
            raise _refuse(source, where, "holds no data (null dataspace)")
        if len(shape) != ndim:
            wanted = "one string" if ndim == 0 else "a 1-D list of names"
            raise _refuse(source, where, f"has shape {shape}; Keras writes {wanted}")
        string_type = attribute.get_type()
        type_class = string_type.get_class()
        if empty_numbers and type_class in (h5t.FLOAT, h5t.INTEGER) and shape == (0,):
            return []
        count = math.prod(shape)
        # The type is checked before any read: HDF5 has crashed converting malformed
        # variable-length types, and a string's declared length is what it allocates.
        if (
            type_class != h5t.STRING
            or string_type.get_cset() not in (h5t.CSET_ASCII, h5t.CSET_UTF8)
            or string_type.get_strpad() not in (h5t.STR_NULLTERM, h5t.STR_NULLPAD, h5t.STR_SPACEPAD)
        ):
            raise _refuse(source, where, f"has dtype {attribute.dtype}; Keras writes strings")
        if not string_type.is_variable_str():
            return obj.attrs[name]
        header = require_h5py().h5o.get_info(obj.id).addr
        raw = _checked_files[obj.file.id.fileno]
        strings = raw.vlen_strings(header, name, count, where)
        return strings[0] if ndim == 0 else strings


def _text(value, source, where):
    """A str from an attribute element (bytes or str), refusing invalid UTF-8."""
    if isinstance(value, np.bytes_ | bytes):
        raw = bytes(value)
    elif isinstance(value, str):
        raw = value.encode("utf-8", "surrogateescape")  # h5py keeps bad bytes as surrogates
    else:
        raise _refuse(source, where, f"holds a {type(value).__name__}, not a string")
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        raise _refuse(source, where, "holds text that is not valid UTF-8") from None


def read_json_attribute(obj: h5py.Group | h5py.Dataset, name: str, source: str) -> dict[str, Any]:
    """The JSON object stored in the scalar string attribute ``name`` (``model_config``,
    ``training_config``), parsed; FileFormatError if absent, not a string, not JSON, or not
    a JSON object."""
    where = f"{obj.name} attribute '{name}'"
    with checked(obj, source):
        with h5_errors(source, where, "looking up the attribute"):
            present = name in obj.attrs
        if not present:
            raise _refuse(source, where, "is missing")
        value = _attribute(obj, name, source, where, ndim=0)
    if isinstance(value, np.ndarray):
        value = value.item()
    text = _text(value, source, where)
    # The same parser as config.json: size, nesting and repeated keys checked on the text.
    parsed = parse_json(text, source, f"{where}:")
    if not isinstance(parsed, dict):
        raise _refuse(source, where, f"holds a JSON {type(parsed).__name__}, not an object")
    return parsed


def read_string_list_attribute(
    obj: h5py.Group | h5py.Dataset, name: str, source: str, required: bool = True
) -> list[str]:
    """The list of names in attribute ``name`` (``layer_names``, ``weight_names``).

    Keras writes a 1-D array of strings, an empty float array when there are none, and, for
    lists too long for one attribute, ``name0``, ``name1``, ... which are joined here. A
    missing attribute is an error when ``required``, else an empty list.
    """
    with checked(obj, source):
        with h5_errors(source, obj.name, f"looking up attribute '{name}'"):
            if name in obj.attrs:
                parts = [name]
            else:  # bounded: the walk allowed at most MAX_OBJECTS attributes
                parts = []
                while f"{name}{len(parts)}" in obj.attrs:
                    parts.append(f"{name}{len(parts)}")
        if not parts:
            if required:
                raise _refuse(source, f"{obj.name} attribute '{name}'", "is missing")
            return []
        names = []
        for part in parts:
            where = f"{obj.name} attribute '{part}'"
            value = _attribute(obj, part, source, where, ndim=1, empty_numbers=True)
            names += [_text(item, source, where) for item in value]
        return names
