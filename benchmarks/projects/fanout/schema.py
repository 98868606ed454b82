"""Benchmark project: one table of per-user counters."""

from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "counters": define_table({"userId": v.string(), "value": v.number()}).index("by_user", ["userId"]),
})
