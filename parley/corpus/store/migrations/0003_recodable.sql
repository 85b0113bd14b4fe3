-- A corpus that can be re-coded: every document keeps its text (zlib-compressed UTF-8, in the
-- dialect files beside this one: BLOB on DuckDB, BYTEA on PostgreSQL; NULL when ingested with
-- --no-text or before this version), and documents, events and mentions record the coder
-- version that produced them (`parley.nlp.version`; NULL for rows from before this version).
ALTER TABLE documents ADD COLUMN coder_version TEXT;
ALTER TABLE events ADD COLUMN coder_version TEXT;
ALTER TABLE mentions ADD COLUMN coder_version TEXT;
