"""Hostile ``.keras`` archives are refused with a FileFormatError naming the file, before any
member is trusted; nothing is ever extracted; honest archives (Keras's, ours, re-zipped) load.

Archives are built in tmp_path from a real save, then altered the way attacks alter them:
zip-slip names, duplicates, extra members, encryption, unusual compression, zip bombs (by
ratio, by declared size, by a header that lies about the stream), overlapping members and
oversized central directories. Header fields are patched in place (offsets from the ZIP
specification, APPNOTE 4.3.7 and 4.3.12).
"""

import io
import os
import tracemalloc
import zipfile
import zlib

import h5py
import numpy as np
import pytest

from neuronet.errors import FileFormatError
from neuronet.models import load_model
from neuronet.saving import keras_zip
from tests.models.test_sequential import textbook_model

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")


@pytest.fixture
def members(tmp_path):
    """The members of an honest archive saved by neuronet, as [(name, bytes)]."""
    model = textbook_model()
    model.compile(loss="mse", optimizer="adam")
    model.save(tmp_path / "honest.keras")
    with zipfile.ZipFile(tmp_path / "honest.keras") as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def write_zip(path, entries, method=zipfile.ZIP_STORED):
    """Write ``entries`` ([(name, bytes)]) as given: names are not cleaned up."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def patch(path, name, **fields):
    """Overwrite header fields of member ``name`` in both its central and local headers.

    Fields: flags, method, crc, compress_size, file_size, new_name (same length); offset (the
    central header's pointer to the local header).
    """
    data = bytearray(path.read_bytes())
    raw = name.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == raw:
            break
        at += 4
    local = int.from_bytes(data[at + 42 : at + 46], "little")

    def put(offset, size, value):
        data[offset : offset + size] = value.to_bytes(size, "little")

    places = {  # field: (central offset, local offset, size)
        "flags": (8, 6, 2),
        "method": (10, 8, 2),
        "crc": (16, 14, 4),
        "compress_size": (20, 18, 4),
        "file_size": (24, 22, 4),
    }
    for field, value in fields.items():
        if field in places:
            central, in_local, size = places[field]
            put(at + central, size, value)
            put(local + in_local, size, value)
    if "offset" in fields:
        put(at + 42, 4, fields["offset"])
    if "new_name" in fields:
        new = fields["new_name"].encode("latin-1")
        data[at + 46 : at + 46 + length] = new
        data[local + 30 : local + 30 + length] = new
    path.write_bytes(bytes(data))
    return path


def refused(path, *patterns, source=None, **kwargs):
    """load_model(path) must raise FileFormatError starting with the path and matching."""
    with pytest.raises(FileFormatError) as caught:
        load_model(path, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{source or path}: "), message
    for pattern in patterns:
        assert pattern in message, message
    return caught.value


def _files_under(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


# --- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, reason",
    [
        ("../evil.py", "climbs out of the archive"),
        ("a/../../evil.py", "climbs out of the archive"),
        ("assets/../../evil.py", "climbs out of the archive"),
        ("..", "climbs out of the archive"),
        ("/etc/evil.py", "is an absolute path"),
        ("//server/share/evil.py", "is an absolute path"),
        ("C:/Windows/evil.dll", "names a drive"),
        ("c:evil.py", "names a drive"),
        ("..\\evil.py", "holds a backslash"),
        ("assets\\evil.py", "holds a backslash"),
        ("./config.json", "is not a plain relative path"),
        ("assets//evil.py", "is not a plain relative path"),
    ],
)
def test_traversal_and_foreign_paths_are_refused_and_nothing_is_extracted(
    name, reason, members, tmp_path
):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    path = write_zip(folder / "slip.keras", [*members, (name, b"print('owned')")])
    before = _files_under(tmp_path)
    refused(path, repr(name), reason)
    assert _files_under(tmp_path) == before  # nothing written anywhere


def test_a_nul_byte_in_a_name_is_refused(members, tmp_path):
    path = write_zip(tmp_path / "nul.keras", [*members, ("config.jsonX.py", b"{}")])
    patch(path, "config.jsonX.py", new_name="config.json\x00.py")
    refused(path, "holds a NUL byte")


def test_duplicate_members_are_refused(members, tmp_path):
    hostile = b'{"class_name": "Sequential", "config": {"layers": [], "safe_mode": false}}'
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = write_zip(tmp_path / "twice.keras", [*members, ("config.json", hostile)])
    refused(path, "'config.json' appears 2 times")


@pytest.mark.parametrize(
    "name",
    ["evil.py", "model.weights.npz", "Config.json", "assets/vocabulary.txt", "config.json/"],
)
def test_unexpected_members_are_refused(name, members, tmp_path):
    path = write_zip(tmp_path / "extra.keras", [*members, (name, b"" if name[-1] == "/" else b"x")])
    refused(path, f"unexpected member {name!r}", "neuronet has no layer that keeps asset files")


@pytest.mark.parametrize("missing", ["config.json", "model.weights.h5"])
def test_required_members_must_be_present(missing, members, tmp_path):
    path = write_zip(tmp_path / "part.keras", [m for m in members if m[0] != missing])
    refused(path, f"has no {missing}")


# --- encryption and methods ---------------------------------------------------------------------
@pytest.mark.parametrize("flags", [0x1, 0x41])
def test_encrypted_members_are_refused(flags, members, tmp_path):
    path = patch(write_zip(tmp_path / "locked.keras", members), "config.json", flags=flags)
    refused(path, "'config.json' is encrypted")


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99], ids=["bzip2", "lzma", "aes"]
)
def test_unusual_compression_methods_are_refused(method, members, tmp_path):
    if method == 99:  # AES (WinZip): zipfile cannot write it, so the header is patched
        path = patch(write_zip(tmp_path / "m.keras", members), "config.json", method=99)
    else:
        path = write_zip(tmp_path / "m.keras", members, method)
    refused(path, f"compression method {method}", "only stored and deflated")


# --- sizes and bombs ----------------------------------------------------------------------------
def _peak_bytes_while(load):
    tracemalloc.start()
    try:
        load()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_deflate_bomb_is_refused_from_its_header(members, tmp_path):
    bomb = [(n, d) for n, d in members if n != "model.weights.h5"]
    bomb.append(("model.weights.h5", bytes(20 * 2**20)))  # 20 MiB of zeros deflate to ~20 KiB
    path = write_zip(tmp_path / "bomb.keras", bomb, zipfile.ZIP_DEFLATED)
    del bomb
    peak = _peak_bytes_while(lambda: refused(path, "(more than 100:1): a zip bomb"))
    assert peak < 4 * 2**20  # refused before a byte was inflated


@pytest.mark.parametrize(
    "member, cap",
    [("config.json", "16777216"), ("metadata.json", "65536"), ("model.weights.h5", "67132864")],
)
def test_declared_sizes_beyond_the_caps_are_refused(member, cap, members, tmp_path):
    path = write_zip(tmp_path / "big.keras", members, zipfile.ZIP_DEFLATED)
    patch(path, member, file_size=0xF0000000)
    refused(path, f"'{member}' declares 4026531840 bytes, more than the {cap}", max_params=1000)


def test_a_header_that_understates_the_stream_is_refused_with_bounded_memory(members, tmp_path):
    # config.json inflates to 50 MiB but its header declares 100 bytes and, to get past
    # zipfile's own check, the CRC of the first 101: the reader must notice the stream going
    # on, without inflating it all to find out.
    entries = [(n, d if n != "config.json" else b" " * (50 * 2**20)) for n, d in members]
    path = write_zip(tmp_path / "liar.keras", entries, zipfile.ZIP_DEFLATED)
    del entries
    patch(path, "config.json", file_size=100, crc=zlib.crc32(b" " * 101))
    peak = _peak_bytes_while(lambda: refused(path, "yields more than the 100 bytes"))
    assert peak < 4 * 2**20
    patch(path, "config.json", crc=zlib.crc32(b" " * 100))  # the CRC of what was declared
    refused(path, "not a readable .keras archive", "CRC")


def test_a_header_that_overstates_the_stream_is_refused(members, tmp_path):
    path = write_zip(tmp_path / "short.keras", members, zipfile.ZIP_DEFLATED)
    declared = len(dict(members)["config.json"]) + 10
    patch(path, "config.json", file_size=declared)
    refused(path, f"'config.json' yields {declared - 10} bytes; its header declares {declared}")
    path = write_zip(tmp_path / "past.keras", members)  # stored: data would run past the end
    patch(path, "model.weights.h5", file_size=10**8, compress_size=10**8)
    refused(path, "'model.weights.h5' runs past the end of the file")


def test_overlapping_members_are_refused(members, tmp_path):
    path = write_zip(tmp_path / "overlap.keras", members)
    with zipfile.ZipFile(path) as archive:
        config_offset = archive.getinfo("config.json").header_offset
    patch(path, "model.weights.h5", offset=config_offset)
    refused(path, "overlaps the member before it")


def test_a_large_central_directory_is_refused_before_it_is_listed(members, tmp_path):
    folders = [(f"assets/folder_{i}/", b"") for i in range(100)]
    path = write_zip(tmp_path / "many.keras", [*members, *folders])
    refused(path, "lists 103 entries")


def _zip64(path, entries, monkeypatch):
    """Write in the zip64 form (what Keras writes for models beyond 2 GiB) at a small size."""
    with monkeypatch.context() as scope:
        scope.setattr(zipfile, "ZIP64_LIMIT", 100)
        write_zip(path, entries)
    assert b"PK\x06\x06" in path.read_bytes()  # the zip64 end record is there
    return path


def test_the_zip64_end_record_is_read_like_zipfile_reads_it(members, tmp_path, monkeypatch):
    assert load_model(_zip64(tmp_path / "z64.keras", members, monkeypatch)).count_params() == 41
    folders = [(f"assets/folder_{i}/", b"") for i in range(100)]
    path = _zip64(tmp_path / "many.keras", [*members, *folders], monkeypatch)
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = (3).to_bytes(2, "little") * 2  # the plain record says 3 entries
    path.write_bytes(bytes(data))
    refused(path, "lists 103 entries")  # zipfile would list the zip64 record's 103


# --- not archives at all ------------------------------------------------------------------------
def test_files_that_are_not_archives_are_refused(tmp_path):
    path = tmp_path / "junk.keras"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200))
    refused(path, "not a readable .keras archive")
    refused(tmp_path / "missing.keras", "cannot be read")
    folder = tmp_path / "folder.keras"
    folder.mkdir()
    refused(folder, "not a regular file")
    fifo = tmp_path / "pipe.keras"
    os.mkfifo(fifo)
    refused(fifo, "not a regular file")  # refused without opening it (which would block)


def test_weights_that_are_not_hdf5_are_refused_by_name(members, tmp_path):
    entries = [(n, d if n != "model.weights.h5" else b"not hdf5") for n, d in members]
    path = write_zip(tmp_path / "w.keras", entries)
    refused(path, source=f"{path}/model.weights.h5")


def test_optimizer_state_is_checked_against_the_optimizer(members, tmp_path):
    weights = io.BytesIO(dict(members)["model.weights.h5"])
    with h5py.File(weights, "r+") as file:
        del file["optimizer/vars/1"]  # the learning rate, a scalar
        file["optimizer/vars"].create_dataset("1", data=np.zeros(1000, dtype="float32"))
    entries = [(n, d if n != "model.weights.h5" else weights.getvalue()) for n, d in members]
    path = write_zip(tmp_path / "opt.keras", entries)
    refused(path, "has shape (1000,)", source=f"{path}/model.weights.h5")
    assert load_model(path, compile=False).count_params() == 41  # not read without compile


# --- honest archives still load -----------------------------------------------------------------
def test_keras_archives_load_and_so_do_re_zipped_ones(keras_fixtures, tmp_path):
    for original in sorted((keras_fixtures / "inference").glob("*.keras3.keras")):
        expected = np.load(original.with_name(original.name.replace(".keras3.keras", ".npz")))
        with zipfile.ZipFile(original) as archive:
            entries = [(name, archive.read(name)) for name in archive.namelist()]
        rezipped = write_zip(
            tmp_path / original.name,
            [*entries, ("assets/", b""), ("assets/layers/", b"")],
            zipfile.ZIP_DEFLATED,
        )
        for path in (original, rezipped):
            predictions = load_model(path).predict(expected["x"], verbose=0)
            np.testing.assert_allclose(predictions, expected["y"], rtol=1e-5, atol=1e-6)


def test_round_trip_reads_members_exactly_and_writes_nothing(members, tmp_path):
    path = write_zip(tmp_path / "m.keras", members)
    before = _files_under(tmp_path)
    archive = keras_zip.read_keras_archive(path)
    assert archive.config == dict(members)["config.json"]
    assert archive.metadata == dict(members)["metadata.json"]
    assert archive.weights.read() == dict(members)["model.weights.h5"]
    model = load_model(path)
    assert model.compiled and model.predict(X, verbose=0).shape == (4, 1)
    assert _files_under(tmp_path) == before
