"""Configuration: a frozen dataclass loaded from TOML (``coach.toml`` or ``--config``).

Everything has a sane default, so the file is optional. Nothing deep in the code reads
environment variables; the command line and the app pass a ``Config`` down.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_FILE = "coach.toml"
DIMENSIONS = ("politeness", "empathy", "correctness", "follow_through")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class DimensionConfig:
    """One scorer's settings. ``options`` holds scorer-specific keys from its TOML table."""

    enabled: bool = True
    weight: float = 1.0
    #: A reply whose score falls below this is reported as weak even without a flag.
    threshold: float = 0.5
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KbConfig:
    """Retrieval settings for the knowledge-base index."""

    top_k: int = 3
    rrf_k: int = 60
    #: Below this cosine similarity of the best passage, a question counts as "not covered".
    min_similarity: float = 0.35
    max_passage_chars: int = 1200


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    dimensions: dict[str, DimensionConfig] = field(
        default_factory=lambda: {name: DimensionConfig() for name in DIMENSIONS}
    )
    kb: KbConfig = field(default_factory=KbConfig)
    #: Where the KB index cache and the embedded SQLite store live.
    data_dir: str = "data"
    #: Any SQLAlchemy URL (PostgreSQL...); default: SQLite file in ``data_dir``.
    database_url: str | None = None
    models_dir: str = "models"
    languages: tuple[str, ...] = ("en", "ru")
    default_language: str = "en"
    batch_size: int = 64
    #: Processes for batch scoring (`coach score`, `coach import`, `coach bench`): 0 = one per
    #: CPU core (at most 4), 1 = in this process.
    workers: int = 0
    #: Per agent id: ``experience_years`` (for Junior / Middle / Senior levels).
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Score lost per flag of each severity (a reply starts at 1.0 on every dimension).
    penalties: dict[str, float] = field(
        default_factory=lambda: {"low": 0.1, "medium": 0.35, "high": 0.6}
    )

    def enabled_dimensions(self) -> list[str]:
        """Names of the enabled dimensions, in config order."""
        return [name for name, dim in self.dimensions.items() if dim.enabled]


def _build(cls: type, table: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(table) - known)
    if unknown and cls is not DimensionConfig:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    return cls(**{k: v for k, v in table.items() if k in known})


def config_from_dict(data: dict[str, Any], source: str = "config") -> Config:
    """Build a ``Config`` from parsed TOML, validating keys and types as it goes."""
    base = Config()
    top_known = {f.name for f in fields(Config)}
    unknown = sorted(set(data) - top_known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}")
    dims = dict(base.dimensions)
    for name, table in (data.get("dimensions") or {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [dimensions.{name}] must be a table")
        known = {f.name for f in fields(DimensionConfig)} - {"options"}
        options = {k: v for k, v in table.items() if k not in known}
        dims[name] = DimensionConfig(**{k: v for k, v in table.items() if k in known}, options=options)
    kb = _build(KbConfig, data.get("kb") or {}, f"{source} [kb]")
    simple = {k: v for k, v in data.items() if k not in ("dimensions", "kb")}
    for agent, table in (simple.get("agents") or {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [agents.\"{agent}\"] must be a table")
    if "languages" in simple:
        simple["languages"] = tuple(simple["languages"])
    if "penalties" in simple:
        simple["penalties"] = {**base.penalties, **simple["penalties"]}
    config = replace(base, dimensions=dims, kb=kb, **simple)
    if not isinstance(config.workers, int) or config.workers < 0:
        raise ConfigError(f"{source}: workers must be 0 (one per core) or a positive number of processes")
    for name, dim in config.dimensions.items():
        if not 0 <= dim.threshold <= 1 or dim.weight < 0:
            raise ConfigError(f"{source}: [dimensions.{name}] threshold must be in [0, 1], weight >= 0")
    return config


def load_config(path: str | Path | None = None) -> Config:
    """Load ``path``, else ``coach.toml`` in the current folder if present, else defaults."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_FILE)
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        return config_from_dict(data, source=str(path))
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
