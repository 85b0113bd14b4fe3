"""The corpus floor: reading inputs, the store (DuckDB, PostgreSQL, Parquet) with its row
writer, ingestion, queries, exports, analysis and de-duplication. It imports from
`parley.nlp` only, never from the faces above it."""
