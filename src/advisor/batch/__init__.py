"""`advisor batch`: many profiles in, their decisions out in input order.

Rows are read from JSONL, CSV, Parquet or profile files (`inputs`, `columns`,
`parquet`), evaluated in partitions on this process, on local worker processes or on a
Dask cluster (`pools`, `cluster`, `evaluate`), and written in input order as
decision lines or a long table (`outputs`), each partition whole and flushed, so an
interrupted run leaves an output that `--resume` continues (`resume`).
"""
