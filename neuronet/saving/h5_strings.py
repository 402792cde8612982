"""Variable-length strings of an HDF5 file, read without HDF5's global-heap code.

HDF5 keeps variable-length strings in "global heap collections". Its reader trusts them: a
string's declared length is allocated (and zeroed) before the heap is consulted, up to 4 GiB
per string, and a malformed collection can make it loop forever. Keras writes its names and
configs as such strings, so neuronet reads them itself from the attribute message in the
object header, with every offset and length checked against the file.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING

from neuronet.errors import FileFormatError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import h5py

_refuse = FileFormatError.at

_ATTRIBUTE_MESSAGE = 0x0C
_CONTINUATION_MESSAGE = 0x10
_ATTRIBUTE_INFO_MESSAGE = 0x15
_MAX_HEADER_CHUNKS = 1000


class RawFile:
    """Bounds-checked reads of the bytes of the one file h5py has open."""

    handle: IO[bytes] | None
    owned: IO[bytes] | None
    collections: dict[int, dict[int, bytes]]

    def __init__(self, file: h5py.File, handle: IO[bytes] | None, source: str) -> None:
        sizes = file.id.get_create_plist().get_sizes()
        self.offset_size, self.length_size = sizes
        self.base = file.id.get_create_plist().get_userblock()
        self.size = file.id.get_filesize() - self.base
        self.file, self.handle, self.source = file, handle, source
        self.owned = None  # a handle opened here, on first use, when h5py holds the only one
        # Headers and heaps are re-read per attribute; a hostile file could point every string
        # at a different huge "collection": cap the total read to a few times the file.
        self.budget = 4 * self.size + 2**24
        self.collections = {}  # address -> {object index: bytes}

    def bytes_at(self, address: int, length: int, where: str) -> bytes:
        """``length`` bytes at HDF5 address ``address``, refused if outside the file."""
        if address < 0 or length < 0 or address + length > self.size:
            raise _refuse(
                self.source,
                where,
                f"points at bytes {address}..{address + length} outside the file",
            )
        self.budget -= length
        if self.budget < 0:
            raise _refuse(self.source, where, "sends the string reader round the file in circles")
        if self.handle is None:
            if self.file.driver in ("sec2", "stdio"):  # a path h5py opened itself
                self.handle = self.owned = open(self.file.filename, "rb")  # closed by close()
            else:  # another driver: read the image HDF5 sees, once
                self.handle = self.owned = io.BytesIO(self.file.id.get_file_image())
        self.handle.seek(self.base + address)
        data = self.handle.read(length)
        if len(data) != length:
            raise _refuse(self.source, where, "ends early")
        return data

    def close(self) -> None:
        """Close the handle this object opened (never the caller's)."""
        if self.owned is not None:
            self.owned.close()

    def number(self, data: bytes, position: int, size: int, where: str) -> int:
        if position < 0 or position + size > len(data):
            raise _refuse(self.source, where, "has a header message that runs past its end")
        return int.from_bytes(data[position : position + size], "little")

    def vlen_strings(self, header_address: int, name: str, count: int, where: str) -> list[bytes]:
        """The ``count`` strings of variable-length string attribute ``name`` of the object
        whose header is at ``header_address``, as bytes."""
        message = self.attribute_message(header_address, name, where)
        record = 4 + self.offset_size + 4  # length, heap collection address, object index
        if len(message) < count * record:
            raise _refuse(self.source, where, "holds fewer strings than its shape declares")
        strings = []
        for index in range(count):
            at = index * record
            length = self.number(message, at, 4, where)
            heap = self.number(message, at + 4, self.offset_size, where)
            item = self.number(message, at + 4 + self.offset_size, 4, where)
            if length == 0:
                strings.append(b"")
                continue
            if heap not in self.collections:
                self.collections[heap] = self.heap_collection(heap, where)
            found = self.collections[heap].get(item)
            if found is None or len(found) != length:
                raise _refuse(
                    self.source, where, f"string {index} declares {length} bytes it does not hold"
                )
            strings.append(found)
        return strings

    def heap_collection(self, address: int, where: str) -> dict[int, bytes]:
        """{object index: bytes} of the global heap collection at ``address``."""
        head = 8 + self.length_size
        prefix = self.bytes_at(address, head, where)
        if prefix[:5] != b"GCOL\x01":
            raise _refuse(self.source, where, "points at something that is not a string heap")
        size = self.number(prefix, 8, self.length_size, where)
        data = self.bytes_at(address, size, where)
        objects = {}
        position = head
        object_head = 8 + self.length_size
        while position + object_head <= size:
            index = self.number(data, position, 2, where)
            length = self.number(data, position + 8, self.length_size, where)
            if index == 0:  # the free space closes the collection
                break
            start = position + object_head
            if start + length > size:
                raise _refuse(self.source, where, "has a string heap object past its collection")
            objects[index] = data[start : start + length]
            position = start + -(-length // 8) * 8  # objects are 8-byte aligned
        return objects

    def attribute_message(self, address: int, name: str, where: str) -> bytes:
        """The data part of attribute ``name``'s message in the object header at ``address``."""
        wanted = name.encode("utf-8")
        dense = False
        for kind, body in self.header_messages(address, where):
            if kind == _ATTRIBUTE_INFO_MESSAGE:
                dense = True
            if kind != _ATTRIBUTE_MESSAGE:
                continue
            version = self.number(body, 0, 1, where)
            name_size = self.number(body, 2, 2, where)
            type_size = self.number(body, 4, 2, where)
            space_size = self.number(body, 6, 2, where)
            if version == 1:
                position, pad = 8, 8
            elif version in (2, 3):
                position, pad = (8 if version == 2 else 9), 1
                if self.number(body, 1, 1, where) & 0x3:
                    raise _refuse(self.source, where, "uses a shared datatype or dataspace")
            else:
                raise _refuse(self.source, where, f"has an attribute message of version {version}")
            if body[position : position + name_size].rstrip(b"\0") != wanted:
                continue
            for part in (name_size, type_size, space_size):
                position += -(-part // pad) * pad
            return body[position:]
        if dense:  # only HDF5 1.8+ headers with many attributes; h5py's default never does it
            raise _refuse(self.source, where, "is kept in dense attribute storage: not read")
        raise _refuse(self.source, where, "is not in its object's header")

    def header_messages(self, address: int, where: str) -> Iterator[tuple[int, bytes]]:
        """(type, body) of every message in the object header at ``address``, continuation
        chunks included (each visited once, at most _MAX_HEADER_CHUNKS)."""
        first = self.bytes_at(address, 16, where)
        if first[:4] == b"OHDR":
            flags = first[5]
            position = 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
            width = 1 << (flags & 0x3)
            size = self.number(self.bytes_at(address + position, width, where), 0, width, where)
            chunks = [(address + position + width, size)]
            # type 1, size 2, flags 1, then the creation order (2) if the header tracks it
            version, message_head = 2, 4 + (2 if flags & 0x04 else 0)
        elif first[0] == 1:
            # version, reserved, message count, reference count, chunk size; padded to 16
            chunks = [(address + 16, self.number(first, 8, 4, where))]
            version, message_head = 1, 8  # type 2, size 2, flags 1, reserved 3
        else:
            raise _refuse(self.source, where, "has an object header of unknown version")
        seen: set[int] = set()
        while chunks:
            start, length = chunks.pop()
            if start in seen or len(seen) >= _MAX_HEADER_CHUNKS:
                raise _refuse(self.source, where, "has object header chunks that loop")
            seen.add(start)
            data = self.bytes_at(start, length, where)
            for kind, body in self.chunk_messages(data, version, message_head, where):
                if kind == _CONTINUATION_MESSAGE:
                    target = self.number(body, 0, self.offset_size, where)
                    size = self.number(body, self.offset_size, self.length_size, where)
                    if version == 2:  # "OCHK" signature before, checksum after the messages
                        if self.bytes_at(target, 4, where) != b"OCHK" or size < 8:
                            raise _refuse(self.source, where, "has a bad header continuation")
                        target, size = target + 4, size - 8
                    chunks.append((target, size))
                else:
                    yield kind, body

    def chunk_messages(
        self, data: bytes, version: int, head: int, where: str
    ) -> Iterator[tuple[int, bytes]]:
        """(type, body) of the messages in one header chunk; refuses shared messages."""
        position = 0
        while position + head <= len(data):
            if version == 1:
                kind = self.number(data, position, 2, where)
                size = self.number(data, position + 2, 2, where)
            else:
                kind = self.number(data, position, 1, where)
                size = self.number(data, position + 1, 2, where)
            flags = data[position + (4 if version == 1 else 3)]
            body = data[position + head : position + head + size]
            if len(body) != size:
                raise _refuse(self.source, where, "has a header message that runs past its chunk")
            if kind in (_ATTRIBUTE_MESSAGE, _CONTINUATION_MESSAGE) and flags & 0x02:
                raise _refuse(self.source, where, "uses shared header messages")
            yield kind, body
            position += head + size
