"""``.keras`` archives read without trusting them: nothing is extracted, every read is bounded.

Keras 3 writes a zip of exactly ``config.json``, ``metadata.json`` and ``model.weights.h5``
(stored, not compressed), and an ``assets/`` folder for layers that keep files (vocabularies of
text layers). neuronet has no such layer, so it accepts ``assets/`` folder entries, which are
empty, and refuses any file inside them: such a file belongs to a layer neuronet cannot build.

Before a byte of a member is read, the archive must have:

- a small central directory (few entries), so that listing it cannot exhaust memory;
- member names that are plain relative names: no ``..``, no absolute path, no backslash or
  drive letter, no NUL byte; no name twice (two readers could pick different members);
- only the members above; ``config.json`` and ``model.weights.h5`` present;
- no encrypted member, and only the stored or deflated methods (Keras writes stored; deflated
  is what re-zipping tools write);
- declared sizes under each member's cap, and at most ``MAX_COMPRESSION_RATIO`` times the
  compressed size beyond 1 MiB (a zip bomb declares a small compressed size);
- members that do not overlap in the file (overlapping members are another kind of bomb).

Then each member is read in chunks into memory, and refused the moment the stream yields more
than its header declared, or if it yields less. The weights are handed on as ``BytesIO``.
"""

from __future__ import annotations

import collections
import copy
import io
import os
import re
import struct
import zipfile
import zlib

from neuronet.errors import FileFormatError
from neuronet.saving import config_checks

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets/"
MAX_CONFIG_BYTES = config_checks.MAX_JSON_CHARS
MAX_METADATA_BYTES = 64 * 2**10  # Keras writes about 64 bytes
MAX_ENTRIES = 64
MAX_DIRECTORY_BYTES = 64 * 2**10
MAX_COMPRESSION_RATIO = 100  # JSON deflates about 10:1, weights barely; deflate's limit is 1032:1
_RATIO_FREE_BYTES = 2**20  # small members may compress well: their size is capped anyway
_CHUNK_BYTES = 2**20
_LOCAL_HEADER_BYTES = 30  # the fixed part of a member's local header
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"
_ENCRYPTED_FLAGS = 0x1 | 0x40  # traditional and strong encryption
_PATCHED_FLAG = 0x20  # "compressed patched data": a PKWARE extension zipfile cannot read
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_DRIVE = re.compile(r"^[A-Za-z]:")
# What zipfile and zlib raise on damaged archives; NotImplementedError is zipfile's refusal of
# parts of the format it does not implement (found by fuzzing: a flipped flag bit).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
)

KerasArchive = collections.namedtuple("KerasArchive", "config metadata weights")
KerasArchive.__doc__ = """The members of a ``.keras`` file: config and metadata as bytes
(metadata None when absent), weights as a ``BytesIO`` positioned at 0."""


def max_weights_bytes(max_params: int) -> int:
    """The largest ``model.weights.h5`` accepted for models of up to ``max_params`` weights:
    float64 weights with two optimizer slots each, plus 64 MiB of HDF5 structure."""
    return 24 * max_params + 64 * 2**20


def read_keras_archive(
    path: str | os.PathLike[str], max_weights: int | None = None
) -> KerasArchive:
    """Check and read the ``.keras`` archive at ``path`` (see the module docstring).

    Args:
        path: the file's path (also the name used in errors).
        max_weights: cap on ``model.weights.h5``'s size (default: ``max_weights_bytes`` of
            ``config_checks.MAX_PARAMS``).

    Returns:
        A ``KerasArchive``.

    Raises:
        FileFormatError: the archive is refused; the message names ``path`` and the reason.
    """
    if max_weights is None:
        max_weights = max_weights_bytes(config_checks.MAX_PARAMS)
    caps = {CONFIG: MAX_CONFIG_BYTES, METADATA: MAX_METADATA_BYTES, WEIGHTS: max_weights}
    try:
        with open(path, "rb") as handle:
            file_size = os.fstat(handle.fileno()).st_size
            _check_directory(handle, path)
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                members = _check_members(archive.infolist(), path, caps, file_size)
                read = {name: _read_member(archive, info, path) for name, info in members.items()}
    except _ZIP_ERRORS as error:
        raise FileFormatError(f"{path}: not a readable .keras archive ({error}).") from error
    metadata = read[METADATA].getvalue() if METADATA in read else None
    return KerasArchive(read[CONFIG].getvalue(), metadata, read[WEIGHTS])


def _check_directory(handle, path):
    """Refuse an archive whose central directory is large before zipfile lists it.

    zipfile builds one object per entry; the entry count and directory size are read from the
    end record (and the zip64 end record that overrides it, as zipfile does).
    """
    handle.seek(0, os.SEEK_END)
    file_size = handle.tell()
    window = (1 << 16) + 22  # the end record and a comment of up to 64 KiB, as zipfile searches
    start = max(file_size - window - 20 - 56, 0)  # plus a zip64 locator and end record
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(_END_RECORD, max(len(tail) - window, 0))
    if at < 0 or len(tail) - at < 22:
        return  # no end record: zipfile refuses the file itself
    entries, size = struct.unpack("<HI", tail[at + 10 : at + 16])
    locator = at - 20
    if locator >= 56 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        record = locator - 56
        if tail[record : record + 4] == _ZIP64_END_RECORD:
            entries, size = struct.unpack("<QQ", tail[record + 32 : record + 48])
    if entries > MAX_ENTRIES or size > MAX_DIRECTORY_BYTES:
        raise FileFormatError(
            f"{path}: the archive lists {entries} entries in {size} bytes; a .keras archive "
            f"holds a few members (at most {MAX_ENTRIES} entries, {MAX_DIRECTORY_BYTES} bytes)."
        )


def unsafe_name_reason(name: str) -> str | None:
    """Why ``name`` is not a plain relative member name, or None if it is."""
    if "\x00" in name:
        return "holds a NUL byte"
    if "\\" in name:
        return "holds a backslash (a Windows path)"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "names a drive"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "climbs out of the archive with '..'"
    if "." in parts or "" in parts:
        return "is not a plain relative path"
    return None


def _check_members(infos, path, caps, file_size):
    """The checks on names, methods, sizes and placement; returns {name: info} to read."""
    names = collections.Counter(info.orig_filename for info in infos)
    for info in infos:
        name = info.orig_filename
        reason = unsafe_name_reason(name)
        if reason:
            raise FileFormatError(f"{path}: member {name!r} {reason}; refused.")
        if names[name] > 1:
            raise FileFormatError(f"{path}: member {name!r} appears {names[name]} times.")
    members = {}
    for info in infos:
        name = info.orig_filename
        if name in caps:
            members[name] = info
        elif not (name.startswith(ASSETS) and info.is_dir() and info.file_size == 0):
            raise FileFormatError(f"{path}: unexpected member {name!r} in the archive; {_EXPECTED}")
        _check_member(info, path, caps.get(name, 0))
    for name in (CONFIG, WEIGHTS):
        if name not in members:
            raise FileFormatError(f"{path}: the .keras archive has no {name}.")
    _check_placement(infos, path, file_size)
    return members


_EXPECTED = (
    f"a .keras archive holds {CONFIG}, {METADATA}, {WEIGHTS} and possibly empty {ASSETS} folders "
    "(neuronet has no layer that keeps asset files)."
)


def _check_member(info, path, cap):
    name = info.orig_filename
    if info.flag_bits & _ENCRYPTED_FLAGS:
        raise FileFormatError(f"{path}: member {name!r} is encrypted.")
    if info.flag_bits & _PATCHED_FLAG:
        raise FileFormatError(f"{path}: member {name!r} is stored as patch data (flag bit 5).")
    if info.compress_type not in _METHODS:
        raise FileFormatError(
            f"{path}: member {name!r} uses compression method {info.compress_type}; only "
            "stored and deflated members are read."
        )
    if info.file_size > cap:
        raise FileFormatError(
            f"{path}: member {name!r} declares {info.file_size} bytes, more than the "
            f"{cap} accepted for it."
        )
    if info.file_size > max(MAX_COMPRESSION_RATIO * info.compress_size, _RATIO_FREE_BYTES):
        raise FileFormatError(
            f"{path}: member {name!r} declares {info.file_size} bytes from "
            f"{info.compress_size} compressed bytes (more than {MAX_COMPRESSION_RATIO}:1): a "
            "zip bomb."
        )
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise FileFormatError(
            f"{path}: stored member {name!r} declares {info.file_size} bytes but occupies "
            f"{info.compress_size}."
        )


def _check_placement(infos, path, file_size):
    """Each member's data lies inside the file, after the previous member's (no overlap)."""
    end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < end:
            raise FileFormatError(
                f"{path}: member {info.orig_filename!r} overlaps the member before it."
            )
        end = info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size
        if end > file_size:
            raise FileFormatError(
                f"{path}: member {info.orig_filename!r} runs past the end of the file."
            )


def _read_member(archive, info, path):
    """The member in a ``BytesIO`` (at 0), read in chunks: never more than declared, and
    exactly that."""
    declared = info.file_size
    sink = io.BytesIO()
    received = 0
    # zipfile stops at the size a header declares, silently cutting a stream that goes on;
    # asked for one byte more, it lets such a stream show itself (its CRC is still checked).
    probe = copy.copy(info)
    probe.file_size = declared + 1
    with archive.open(probe) as stream:
        while True:
            chunk = stream.read(min(_CHUNK_BYTES, declared - received + 1))
            if not chunk:
                break
            received += len(chunk)
            if received > declared:
                raise FileFormatError(
                    f"{path}: member {info.orig_filename!r} yields more than the {declared} "
                    "bytes its header declares."
                )
            sink.write(chunk)
    if received != declared:
        raise FileFormatError(
            f"{path}: member {info.orig_filename!r} yields {received} bytes; its header "
            f"declares {declared}."
        )
    sink.seek(0)
    return sink
