"""Scorer plug-ins. Each dimension is one module in this package that registers itself with
``@register``; adding a dimension means adding one file and one ``[dimensions.NAME]`` table."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.scorers.base import Scorer

REGISTRY: dict[str, type[Scorer]] = {}
#: Modules in this package that hold shared code, not scorers.
_SUPPORT_MODULES = {"base", "markers"}


def register(name: str) -> Callable[[type[Scorer]], type[Scorer]]:
    """Class decorator: make a scorer available under ``name``."""

    def decorate(cls: type[Scorer]) -> type[Scorer]:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return decorate


def discover() -> dict[str, type[Scorer]]:
    """Import every scorer module in this package so each registers itself."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _SUPPORT_MODULES:
            importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY
