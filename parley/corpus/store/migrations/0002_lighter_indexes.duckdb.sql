-- DuckDB scans a column of millions of rows in milliseconds; these secondary indexes
-- held half of what its memory kept per document after the band key was gone.
DROP INDEX mentions_event;
DROP INDEX mentions_doc;
DROP INDEX events_date;
DROP INDEX event_dyads_pair;
DROP INDEX documents_story;
