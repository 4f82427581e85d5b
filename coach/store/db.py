"""Opening the store: an engine for a URL, migrated to the newest schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_FILE = "coach.sqlite"


def default_url(data_dir: str | Path) -> str:
    """The embedded SQLite file in the data folder."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DEFAULT_FILE).resolve()}"


def _alembic_config(url: str):  # noqa: ANN202 - alembic.config.Config
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on an empty database)."""
    from alembic import command

    config = _alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str) -> sessionmaker[Session]:
    """An engine for ``url`` migrated to head, as a session factory."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # Foreign keys and cascades need this per connection; WAL lets the app read while
        # an import writes, and a killed writer never leaves a half-written page behind.
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
