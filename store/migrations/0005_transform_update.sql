-- 0005: what lets a compute update the transform tables for the persons a
-- load touched instead of rebuilding them (transform.Refresh).
--
-- files.rows_replaced: the rows of earlier files a load deleted because
-- the file shares their keys (NULL for files loaded before this migration).
-- With rows_loaded it accounts for every change a load makes to its kind's
-- table: rows now = rows before + rows_loaded − rows_replaced.
ALTER TABLE files ADD COLUMN rows_replaced BIGINT;

-- transform_state: besides the fingerprint, the models' SHA-256, the
-- highest file id when the tables were built (every later load has a
-- higher one) and each source table's row count then, as JSON.
ALTER TABLE transform_state ADD COLUMN models VARCHAR;
ALTER TABLE transform_state ADD COLUMN max_file_id BIGINT;
ALTER TABLE transform_state ADD COLUMN source_rows VARCHAR;
