-- Indexes a growing corpus can afford. On DuckDB every index lives in memory, whatever
-- the memory limit, so an embedded database keeps only its primary keys (the dialect file
-- beside this one); PostgreSQL keeps its indexes on disk and keeps them all.

-- doc_bands becomes a plain lookup table, without a primary key: on DuckDB that key held
-- 32 text keys per document, most of the memory. Ingest never stores a document's bands twice.
CREATE TABLE doc_bands_lookup (
    bucket   TEXT NOT NULL,
    doc_key  TEXT NOT NULL
);
INSERT INTO doc_bands_lookup (bucket, doc_key) SELECT bucket, doc_key FROM doc_bands;
DROP TABLE doc_bands;
ALTER TABLE doc_bands_lookup RENAME TO doc_bands;
