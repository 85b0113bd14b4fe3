ALTER TABLE documents ADD COLUMN text_z BLOB;
