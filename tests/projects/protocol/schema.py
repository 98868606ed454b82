"""The project the protocol tests (HTTP API, auth, sync) run against: messages, per-user items, ranked rows."""
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "messages": define_table({
        "author": v.string(),
        "body": v.string(),
        "likes": v.optional(v.number()),
    })
    .index("by_author", ["author"])
    .search_index("search_body", search_field="body", filter_fields=["author"]),
    "items": define_table({"userId": v.string(), "value": v.number()}).index("by_user", ["userId"]),
    "ranked": define_table({"rank": v.number(), "label": v.string()}).index("by_rank", ["rank"]),
})
