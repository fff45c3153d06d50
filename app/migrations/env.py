"""Alembic environment. The app passes an open (already keyed) connection in ``config.attributes``;
developers generating a new revision may instead pass ``-x url=sqlite:///scratch.db`` (a plain file)."""

from alembic import context
from sqlalchemy import create_engine

from app.models import Base

config = context.config


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables safely
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///scratch.db")
    with create_engine(url).connect() as conn:
        run(conn)
