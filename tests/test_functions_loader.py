"""The project loader: Convex's function path rules, module discovery, and load errors with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_factory import MESSAGES_FUNCTIONS, MESSAGES_SCHEMA, write_project

from albertplus_cli.functions.loader import ProjectLoadError, discover_modules, load_project, load_schema
from albertplus_cli.functions.paths import InvalidPathError, canonical_path, module_path_of

API = "from albertplus_cli.server import query, mutation, action, internal_query, internal_mutation\n" \
      "from albertplus_cli.values import v\n"


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("messages:list", "messages:list"),
        ("admin/tools:run", "admin/tools:run"),
        ("messages.js:list", "messages:list"),
        ("admin/tools.js:run", "admin/tools:run"),
        ("messages", "messages:default"),
        ("messages.js", "messages:default"),
        ("a/b/c:d_1", "a/b/c:d_1"),
        ("_private:fn", "_private:fn"),
    ],
)
def test_canonical_paths(path: str, canonical: str) -> None:
    assert canonical_path(path) == canonical


@pytest.mark.parametrize(
    "path",
    [
        "", "../x:y", "/abs:fn", "/abs", "a//b:fn", "__init__:x", "mod:__class__", "mod:", "mod:fn:extra",
        "mod.py:fn", "a.b:fn", "dir/../mod:fn", "mod:1fn", "mod:fn-name", "..:x", "x" * 65 + ":fn", "mod/:fn",
        "mod\\x:fn", 5, None,
    ],
)
def test_invalid_paths(path: object) -> None:
    with pytest.raises(InvalidPathError):
        canonical_path(path)


def test_module_path_of() -> None:
    assert module_path_of("admin/tools.py") == "admin/tools"
    assert module_path_of("courses.py") == "courses"


def test_discovery_and_registration(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", MESSAGES_SCHEMA, {
        "messages.py": MESSAGES_FUNCTIONS,
        "admin/tools.py": API + "@mutation\ndef run(ctx, args):\n    return 1\n",
        "admin/__init__.py": "",
        "_helpers.py": API + "@query\ndef hidden(ctx, args):\n    return 1\n",
        "_generated/api.py": API + "@query\ndef generated(ctx, args):\n    return 1\n",
        "auth.config.py": "providers = []\n",
        "plain.py": "X = 1\n",
        "defaults.py": API + "default = query(lambda ctx, args: 'd')\n_skipped = query(lambda ctx, args: 0)\n",
        "reexport.py": API + "from functions.messages import send\n"
                       "@internal_query\ndef own(ctx, args):\n    return 2\n",
    })
    assert discover_modules(project / "functions") == [
        "admin/tools.py", "defaults.py", "messages.py", "plain.py", "reexport.py",
    ]
    loaded = load_project(project)
    assert sorted(loaded.functions) == [
        "admin/tools:run", "defaults:default", "messages:list", "messages:send", "reexport:own",
    ]
    assert loaded.functions["messages:list"].kind == "query"
    assert loaded.functions["messages:send"].kind == "mutation"
    assert loaded.functions["reexport:own"].visibility == "internal"
    assert loaded.lookup("messages.js:send") is loaded.functions["messages:send"]
    assert loaded.lookup("defaults") is loaded.functions["defaults:default"]
    assert loaded.lookup("../etc:passwd") is None
    assert loaded.schema is not None and "messages" in loaded.schema.tables


def test_a_project_without_schema(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", None, {"m.py": API + "@query\ndef q(ctx, args):\n    return 1\n"})
    loaded = load_project(project)
    assert loaded.schema is None and list(loaded.functions) == ["m:q"]


def test_reload_sees_new_code(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", None, {"m.py": API + "@query\ndef q(ctx, args):\n    return 1\n"})
    first = load_project(project)
    (project / "functions" / "m.py").write_text(
        API + "@query\ndef q(ctx, args):\n    return 2\n@query\ndef r(ctx, a):\n    return 3\n")
    second = load_project(project)
    assert sorted(second.functions) == ["m:q", "m:r"]
    assert first.functions["m:q"].handler(None, {}) == 1  # the old version keeps working
    assert second.functions["m:q"].handler(None, {}) == 2


def load_error(tmp_path: Path, files: dict[str, str], schema: str | None = None) -> ProjectLoadError:
    project = write_project(tmp_path / "broken", schema, files)
    with pytest.raises(ProjectLoadError) as info:
        load_project(project)
    return info.value


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"ok.py": API, "bad.py": API + "\n@query\ndef q(ctx, args)\n    return 1\n"})
    assert error.file == "functions/bad.py" and error.line == 5
    assert str(error).startswith("functions/bad.py:5: SyntaxError")
    assert "def q(ctx, args)" in str(error)


def test_import_error_names_file_and_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"bad.py": API + "import not_a_module_anywhere\n"})
    assert (error.file, error.line) == ("functions/bad.py", 3)
    assert "ModuleNotFoundError" in str(error) and "not_a_module_anywhere" in str(error)


def test_exception_at_import_names_the_deepest_project_frame(tmp_path: Path) -> None:
    error = load_error(tmp_path, {
        "helpers_mod.py": "def explode():\n    raise RuntimeError('kaboom')\n",
        "bad.py": API + "from functions.helpers_mod import explode\n\nexplode()\n",
    })
    assert (error.file, error.line) == ("functions/helpers_mod.py", 2)
    assert "RuntimeError: kaboom" in str(error)
    assert "raise RuntimeError('kaboom')" in str(error)


def test_function_defined_twice(tmp_path: Path) -> None:
    source = API + "\n@query\ndef q(ctx, args):\n    return 1\n\n\n@mutation\ndef q(ctx, args):\n    return 2\n"
    error = load_error(tmp_path, {"dup.py": source})
    assert (error.file, error.line) == ("functions/dup.py", 10)
    assert "defined twice (first at line 5)" in str(error)


def test_broken_schema(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"m.py": API}, schema="from albertplus_cli.values import v\nschema = v.nope()\n")
    assert (error.file, error.line) == ("schema.py", 2)
    error = load_error(tmp_path / "x", {"m.py": API}, schema="schema = 1\n")
    assert error.file == "schema.py" and "define_schema" in str(error)


def test_bad_decorator_use_is_a_load_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"m.py": API + "@query(args={'x': 'string'})\ndef q(ctx, args):\n    return 1\n"})
    assert error.file == "functions/m.py" and error.line is not None


def test_missing_functions_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectLoadError, match="no functions/ folder"):
        load_project(tmp_path)


def test_helper_modules_come_from_this_project_even_if_another_functions_folder_is_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`functions` must not become a namespace package merged with another folder's `functions/`."""
    other = write_project(tmp_path / "other", None, {"shared.py": "WHO = 'other project'\n"})
    mine = write_project(tmp_path / "mine", None, {
        "api.py": (
            "from albertplus_cli.server import query\n"
            "from functions.shared import WHO\n\n"
            "@query\ndef who(ctx, args):\n    return WHO\n"
        ),
    })
    monkeypatch.syspath_prepend(str(other))
    with pytest.raises(ProjectLoadError, match="shared"):
        load_project(mine)
    (mine / "functions" / "shared.py").write_text("WHO = 'mine'\n")
    project = load_project(mine)
    assert project.functions["api:who"].handler(None, {}) == "mine"


SHARED_FIELDS = ("from albertplus_cli.values import v\n\n"
                 "note = v.object({'body': v.string(), 'tag': v.optional(v.string())})\n")
SCHEMA_FROM_HELPERS = (
    "from albertplus_cli.schema import define_schema, define_table\n"
    "from functions.shared.fields import note\n\n"
    "schema = define_schema({'notes': define_table(note)})\n"
)


def test_schema_py_builds_its_tables_from_the_functions_helpers(tmp_path: Path) -> None:
    project = write_project(tmp_path / "a", SCHEMA_FROM_HELPERS, {
        "shared/fields.py": SHARED_FIELDS,
        "notes.py": API + "from functions.shared.fields import note\n\n@mutation(args={'note': note})\n"
                          "def add(ctx, args):\n    return ctx.db.insert('notes', args['note'])\n",
    })
    # Alone (what the data commands load) and with the functions, where both use one validator object.
    alone = load_schema(project)
    assert alone is not None and "tag" in alone.tables["notes"].validator.to_json()["value"]
    loaded = load_project(project)
    assert loaded.schema is not None
    assert loaded.schema.tables["notes"].validator is loaded.modules["shared/fields"].note
    # Another project's helper module of the same name is never picked up.
    other = write_project(tmp_path / "b", SCHEMA_FROM_HELPERS, {
        "shared/fields.py": SHARED_FIELDS.replace("'tag'", "'label'"),
    })
    assert "label" in load_schema(other).tables["notes"].validator.to_json()["value"]
    assert "tag" in load_project(project).schema.tables["notes"].validator.to_json()["value"]
