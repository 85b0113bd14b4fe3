CREATE INDEX doc_bands_bucket ON doc_bands (bucket);
