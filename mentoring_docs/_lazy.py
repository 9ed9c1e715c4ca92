"""Public names that load their module on first use (PEP 562 module ``__getattr__``).

``import mentoring_docs`` (and the ``batch`` and ``signatures`` packages) must stay
cheap: the command line's ``--version`` and a Word fill should not pay for
marshmallow, the PDF libraries, batch or tracking. Each such package maps a public
name to the module that defines it and installs the two hooks made here.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Mapping


def lazy_names(package: str, names: Mapping[str, str],
               namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``names`` (name -> module, relative or absolute)
    load on first use; a loaded name is kept in ``namespace`` (the package's globals) so it is looked up once."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
