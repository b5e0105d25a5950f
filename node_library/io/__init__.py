"""Reading data for the source nodes: JSON records into frames, the columns of the bundled sample
datasets, read-only PostgreSQL queries. Plain functions; the nodes in node_library/nodes/sources
add params, checks before a run and logging."""
