"""Whether a function's result may depend on the clock or on randomness (then the query cache must not keep it).

Two checks, because Python offers no single hook:

- at run time, the clock and randomness functions of `time`, `random`, `uuid`, `secrets` and `os.urandom`
  are wrapped once (module attributes, so `time.time()` and `random.choice(...)` count wherever they are
  called) to mark the current thread; `watch()` reads that mark around one execution;
- ahead of time, a handler that can reach the `datetime` module (whose `now()`/`today()` are C methods that
  cannot be wrapped) or a name bound from one of the wrapped modules (`from time import time`), through its
  own globals or the globals of project functions and modules it references, counts as reading the clock.
"""

from __future__ import annotations

import datetime
import functools
import os
import random
import secrets
import sys
import threading
import time
import types
import uuid
from collections.abc import Callable
from typing import Any

_state = threading.local()
_install_lock = threading.Lock()
_installed = False

_CLOCK = {time: ("time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime")}
_RANDOM_MODULES: tuple[types.ModuleType, ...] = (random, uuid, secrets)
_UNWRAPPABLE = (datetime, datetime.datetime, datetime.date)
_originals: dict[int, object] = {}  # id(wrapper or original) -> original, to recognise both when scanning


def _mark(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def marked(*args: Any, **kwargs: Any) -> Any:
        _state.used = True
        return fn(*args, **kwargs)

    _originals[id(marked)] = fn
    _originals[id(fn)] = fn
    return marked


def _public_callables(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return [n for n in names if callable(getattr(module, n, None)) and not isinstance(getattr(module, n), type)]


def install() -> None:
    """Wrap the clock and randomness functions (idempotent, process-wide; behaviour is unchanged)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        for module, names in _CLOCK.items():
            for name in names:
                setattr(module, name, _mark(getattr(module, name)))
        for module in _RANDOM_MODULES:
            for name in _public_callables(module):
                setattr(module, name, _mark(getattr(module, name)))
        os.urandom = _mark(os.urandom)
        _installed = True


class watch:
    """`with watch() as seen: ...; seen.used` — whether the block read the clock or used randomness."""

    used = False

    def __enter__(self) -> watch:
        install()
        self._previous = getattr(_state, "used", False)
        _state.used = False
        return self

    def __exit__(self, *exc: object) -> None:
        self.used = bool(getattr(_state, "used", False))
        _state.used = self._previous or self.used


_static: dict[int, tuple[object, bool]] = {}


def may_read_clock(handler: Callable[..., Any]) -> bool:
    """Whether `handler` can reach `datetime` or a clock/random function bound by name (cached per handler)."""
    known = _static.get(id(handler))
    if known is not None and known[0] is handler:
        return known[1]
    install()
    result = _reaches_unwrapped(handler, set())
    _static[id(handler)] = (handler, result)
    return result


def _is_flagged(value: object) -> bool:
    if any(value is u for u in _UNWRAPPABLE):
        return True
    if id(value) in _originals:
        # Bound by name before or after wrapping: the wrapper marks at run time, the original never does.
        return _originals[id(value)] is value
    return False


def _reaches_unwrapped(obj: object, seen: set[int]) -> bool:
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    if _is_flagged(obj):
        return True
    if isinstance(obj, types.ModuleType):
        if obj.__name__.split(".")[0] in _STDLIB_SKIP:
            return False
        spec_file = getattr(obj, "__file__", None) or ""
        if "site-packages" in spec_file or obj.__name__.startswith("albertplus_cli"):
            return False
        return any(_reaches_unwrapped(v, seen) for v in list(vars(obj).values()))
    if isinstance(obj, type):
        if (obj.__module__ or "").startswith("albertplus_cli") or obj.__module__.split(".")[0] in _STDLIB_SKIP:
            return False
        spec_module = sys.modules.get(obj.__module__)
        if spec_module is not None and "site-packages" in (getattr(spec_module, "__file__", None) or ""):
            return False
        return any(_reaches_unwrapped(v, seen) for v in list(vars(obj).values()))
    if isinstance(obj, (staticmethod, classmethod)):
        return _reaches_unwrapped(obj.__func__, seen)
    code_owner = getattr(obj, "__wrapped__", obj)
    globals_ = getattr(code_owner, "__globals__", None)
    module_name = getattr(code_owner, "__module__", "") or ""
    if globals_ is None or module_name.startswith("albertplus_cli") or module_name.split(".")[0] in _STDLIB_SKIP:
        return False
    code = getattr(code_owner, "__code__", None)
    names = _code_names(code) if code is not None else set(globals_)
    return any(_reaches_unwrapped(globals_[n], seen) for n in names if n in globals_)


_STDLIB_SKIP = {"builtins", "typing", "collections", "re", "json", "math", "functools", "itertools", "dataclasses",
                "enum", "abc", "operator", "string"}


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names
