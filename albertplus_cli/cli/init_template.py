"""The files `albertplus init` writes: a minimal runnable project (one table, a query and a mutation)."""

from __future__ import annotations

SCHEMA = '''"""The project's tables: albertplus validates every write against them."""

from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "tasks": define_table({"text": v.string(), "isCompleted": v.boolean()}).index("by_completed", ["isCompleted"]),
})
'''

TASKS = '''"""Task functions: `tasks:list` (a live query) and `tasks:add` (a mutation)."""

from albertplus_cli.server import ConvexError, mutation, query
from albertplus_cli.values import v


@query(args={"completed": v.optional(v.boolean())})
def list(ctx, args):
    q = ctx.db.query("tasks")
    if "completed" in args:
        q = q.with_index("by_completed", lambda r: r.eq("isCompleted", args["completed"]))
    return q.order("desc").take(100)


@mutation(args={"text": v.string()}, returns=v.id("tasks"))
def add(ctx, args):
    text = args["text"].strip()
    if not text:
        raise ConvexError("A task needs some text")
    print("adding task:", text)
    return ctx.db.insert("tasks", {"text": text, "isCompleted": False})
'''

README = '''# {name}

An albertplus project: a Convex-compatible backend in Python (`schema.py` + `functions/`).

```bash
albertplus dev                                   # serve on http://127.0.0.1:3210, hot reload on save
albertplus run tasks:add '{{"text": "Buy milk"}}'  # in another terminal
albertplus run tasks:list
albertplus data tasks                            # the table's documents
```

From Python, with the official client (`pip install convex`):

```python
from convex import ConvexClient

client = ConvexClient("http://127.0.0.1:3210")
client.mutation("tasks:add", {{"text": "Write the README"}})
for tasks in client.subscribe("tasks:list"):       # prints again whenever the data changes
    print([t["text"] for t in tasks])
```

`schema.py` holds the tables; every `.py` file under `functions/` is a module of functions
(`functions/tasks.py` -> `tasks:list`, `tasks:add`). `.albertplus/` is local state (the database, keys): keep it
out of version control.
'''

GITIGNORE = ".albertplus/\n__pycache__/\n"


def files(project_name: str) -> dict[str, str]:
    """Relative path -> content."""
    return {
        "schema.py": SCHEMA,
        "functions/tasks.py": TASKS,
        "README.md": README.format(name=project_name),
        ".gitignore": GITIGNORE,
    }
