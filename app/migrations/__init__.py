"""Alembic environment and versions, shipped inside the package and run at start-up."""
