"""Document ids in Convex's format (spec §4.1) and their strict decoding."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from albertplus_cli.values import InvalidIdError, decode_id, encode_id, is_id, new_id
from albertplus_cli.values.ids import ALPHABET, base32_decode, base32_encode, fletcher16

SETTINGS = settings(max_examples=200, deadline=None)


def test_user_table_ids_are_32_chars_starting_j5() -> None:
    for _ in range(50):
        doc_id = new_id(10001)
        assert len(doc_id) == 32
        assert doc_id.startswith("j5")
        assert set(doc_id) <= set(ALPHABET)
        assert decode_id(doc_id).table_number == 10001


def test_convex_reference_id() -> None:
    """The stability vector of `id_v6.rs`: table 1017 and internal id bytes 251, 251*251, ..."""
    internal = bytearray([251] * 16)
    for i in range(1, 16):
        internal[i] = (internal[i - 1] * 251) % 256
    assert encode_id(1017, bytes(internal)) == "z43zp6c3e75gkmz1kfwj6mbbx5sw281h"


def test_internal_id_ends_with_days_since_epoch() -> None:
    decoded = decode_id(new_id(10001))
    assert int.from_bytes(decoded.internal_id[14:], "big") == int(time.time() // 86400) & 0xFFFF


def test_ids_are_unique() -> None:
    assert len({new_id(10001) for _ in range(1000)}) == 1000


@SETTINGS
@given(st.integers(min_value=1, max_value=2**32 - 1), st.binary(min_size=16, max_size=16))
def test_round_trip(table_number: int, internal: bytes) -> None:
    doc_id = encode_id(table_number, internal)
    assert 31 <= len(doc_id) <= 37
    decoded = decode_id(doc_id)
    assert (decoded.table_number, decoded.internal_id) == (table_number, internal)


@SETTINGS
@given(st.binary(max_size=30))
def test_base32_round_trip(data: bytes) -> None:
    assert base32_decode(base32_encode(data)) == data


def test_fletcher16_modulus_256() -> None:
    assert fletcher16(b"") == 0
    assert fletcher16(b"\x01\x02") == ((1 + 3) << 8) | 3
    assert fletcher16(b"\xff\xff") == ((0xFF + 0xFE) % 256) << 8 | 0xFE


VALID = encode_id(10001, bytes(range(16)))


@pytest.mark.parametrize("bad", [VALID[:-1], VALID + "a", VALID[:30], "", "j5" * 20])
def test_wrong_length_is_rejected(bad: str) -> None:
    with pytest.raises(InvalidIdError):
        decode_id(bad)


@pytest.mark.parametrize("char", ["i", "l", "o", "u", "I", "J", "-", "_", "!", " "])
def test_characters_outside_lowercase_crockford_are_rejected(char: str) -> None:
    with pytest.raises(InvalidIdError):
        decode_id(VALID[:10] + char + VALID[11:])


@pytest.mark.parametrize("position", range(32))
def test_flipping_any_character_breaks_the_id(position: int) -> None:
    original = VALID[position]
    replacement = ALPHABET[(ALPHABET.index(original) + 1) % 32]
    with pytest.raises(InvalidIdError):
        decode_id(VALID[:position] + replacement + VALID[position + 1:])


def test_bad_checksum_is_rejected() -> None:
    body = bytes([0x91, 0x4E]) + bytes(range(16))  # VInt(10001) ‖ internal id
    good = base32_encode(body + fletcher16(body).to_bytes(2, "little"))
    assert good == VALID
    bad = base32_encode(body + ((fletcher16(body) ^ 1).to_bytes(2, "little")))
    with pytest.raises(InvalidIdError, match="checksum"):
        decode_id(bad)


def test_non_canonical_spelling_is_rejected() -> None:
    # 20 bytes = 160 bits = exactly 32 characters, so use a 31-character id (19 bytes, 3 padding bits).
    short = encode_id(1, bytes(16))
    assert len(short) == 31
    last = ALPHABET.index(short[-1])
    for padding in range(1, 8):
        noisy = short[:-1] + ALPHABET[last | padding]
        if noisy != short:
            with pytest.raises(InvalidIdError):
                decode_id(noisy)


def test_table_number_zero_is_rejected() -> None:
    body = bytes([0]) + bytes(16)
    zero = base32_encode(body + fletcher16(body).to_bytes(2, "little"))
    with pytest.raises(InvalidIdError, match="table number 0"):
        decode_id(zero)
    with pytest.raises(ValueError):
        encode_id(0, bytes(16))


def test_non_strings_are_not_ids() -> None:
    for value in (None, 123, b"j5", ["j5"]):
        assert not is_id(value)
        with pytest.raises(InvalidIdError):
            decode_id(value)
    assert is_id(VALID)


def test_ids_remembered_when_made_decode_exactly_as_a_fresh_decode() -> None:
    """new_id remembers what it made (so a `returns: v.id()` check costs nothing); the remembered answer must be
    the one a full decode gives, and remembering never lets an invalid id through."""
    from albertplus_cli.values import ids

    made = [ids.new_id(7) for _ in range(50)]
    for text in made:
        assert ids.decode_id(text) == ids._decode_id(text)  # memo answer == full check
        assert ids.decode_id(text).table_number == 7
    tampered = made[0][:-1] + ("a" if made[0][-1] != "a" else "b")
    with pytest.raises(ids.InvalidIdError):
        ids.decode_id(tampered)
    for _ in range(ids._KNOWN_IDS_MAX + 10):  # the memo empties when full and keeps working
        ids.new_id(3)
    assert len(ids._KNOWN_IDS) <= ids._KNOWN_IDS_MAX
    assert ids.decode_id(made[-1]).table_number == 7
