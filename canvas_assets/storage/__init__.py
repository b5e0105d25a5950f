"""What the platform stores: the workflow store (workflow_store.py over workflow_tables.py, with
its operation log and rebase), API tokens, the database engine they and the schedules share
(database.py) with its Alembic migrations, the immutable artifact store of node results, and
uploads into the data root."""
