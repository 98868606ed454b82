"""The reliability kit's project: counters, accounts and a write log (reliability/, tests/test_crash_safety.py,
tests/test_serializability.py).

`LEDGER_TABLES` is importable on its own so a fault run can add these tables to another project's schema
(the AlbertPlus one, while `albertplus seed` and `albertplus import` write the same file).
"""
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

LEDGER_TABLES = {
    "counters": define_table({"name": v.string(), "value": v.number()}).index("by_name", ["name"]),
    "accounts": define_table({"name": v.string(), "balance": v.number()}).index("by_name", ["name"]),
    # One row per acknowledged logWrite(clientId, seq): the crash test checks each one it was told succeeded.
    "writes": define_table({"clientId": v.string(), "seq": v.number()}).index("by_client_seq", ["clientId", "seq"]),
    # Rows of `albertplus import` runs, one batch per file (complete or absent).
    "imported": define_table({"batch": v.number(), "n": v.number()}).index("by_batch", ["batch"]),
}

schema = define_schema(LEDGER_TABLES)
