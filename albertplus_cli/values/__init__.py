"""Convex values: the value model, JSON formats, ordering, index keys, ids, limits and `v` validators."""

from albertplus_cli.values.ids import InvalidIdError, decode_id, encode_id, is_id, new_id
from albertplus_cli.values.json_formats import Format, InvalidValueError, decode, encode, parse_format
from albertplus_cli.values.ordering import compare
from albertplus_cli.values.types import UNDEFINED, Int64, Value
from albertplus_cli.values.validators import ValidationError, Validator, v

__all__ = [
    "UNDEFINED", "Format", "Int64", "InvalidIdError", "ValidationError", "Validator", "Value", "InvalidValueError",
    "compare", "decode", "decode_id", "encode", "encode_id", "is_id", "new_id", "parse_format", "v",
]
