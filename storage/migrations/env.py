"""Alembic environment: runs against the engine loopbot hands it (see storage.db)."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    # storage.db.upgrade may hand over the connection that holds the migration lock.
    given = context.config.attributes.get("connection")
    if given is not None:
        _migrate(given)
        return
    with context.config.attributes["engine"].connect() as connection:
        _migrate(connection)


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


run_migrations_online()
