"""Opaque page cursors, sealed to one learner and one listing with an HMAC: a client can hand
back only a cursor the server gave that same learner for that same listing. Nothing in one is
secret (a position in the learner's own items); the seal is what makes a forged, altered or
another learner's cursor a clear 400 instead of a page read from somewhere else."""

import base64
import binascii
import hashlib
import hmac

from practice.errors import InvalidCursor

_MAC_BYTES = 16  # 128 bits: forging one is out of reach, and the cursor stays short


class CursorSeal:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def seal(self, user_id: str, listing: str, position: str) -> str:
        raw = self._mac(user_id, listing, position) + position.encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def open(self, user_id: str, listing: str, cursor: str) -> str:
        """The position `cursor` was sealed with for this learner and listing; InvalidCursor else."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            mac, position = raw[:_MAC_BYTES], raw[_MAC_BYTES:].decode()
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise InvalidCursor("this cursor was not issued by this API") from error
        if not hmac.compare_digest(mac, self._mac(user_id, listing, position)):
            raise InvalidCursor("this cursor was not issued to you for this listing")
        return position

    def _mac(self, user_id: str, listing: str, position: str) -> bytes:
        message = "\0".join((listing, user_id, position)).encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]


class Listing:
    """A listing's cursors (`name`: what they are sealed for): the position a request's cursor
    stands for, and the cursor of the position a page ends at; None for none."""

    def __init__(self, seal: CursorSeal, name: str) -> None:
        self._seal = seal
        self._name = name

    def position(self, user_id: str, cursor: str | None) -> str | None:
        return self.open(user_id, cursor) if cursor is not None else None

    def cursor(self, user_id: str, position: str | None) -> str | None:
        return self.seal(user_id, position) if position is not None else None

    def open(self, user_id: str, cursor: str) -> str:
        return self._seal.open(user_id, self._name, cursor)

    def seal(self, user_id: str, position: str) -> str:
        return self._seal.seal(user_id, self._name, position)
