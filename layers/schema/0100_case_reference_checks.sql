-- A case's references (category, desa, upload, creator) are checked once per statement
-- for the whole set of rows, instead of a foreign-key lookup per row: a confirm of
-- 100,000 rows spent about 40 % of its database time in the four per-row checks, while
-- the rows name ~280 desa, 26 categories, one upload and one user between them.
--
-- The same guarantees as the foreign keys they replace:
--  * writing pmks_case: every distinct key the statement wrote is locked FOR KEY SHARE
--    in the referenced table (what a foreign key check does, per row), then looked up
--    again; a missing key raises foreign_key_violation (23503). The lock keeps the row
--    from being deleted until this transaction ends; a row deleted concurrently is
--    skipped by the lock (READ COMMITTED, then missing: error) or is a serialization
--    failure (REPEATABLE READ / SERIALIZABLE);
--  * deleting or re-keying a referenced row: category and desa are refused while a case
--    names them (NO ACTION), upload and user are set to NULL in the cases (SET NULL);
--    TRUNCATE likewise. This side runs in READ COMMITTED only, where each check sees
--    what committed before it: a writer that locked the key first has committed by the
--    time the delete got past its lock, so its cases are seen. A foreign key handles the
--    other isolation levels with a cross-check snapshot that plpgsql cannot take, so
--    there a removal of a referenced key is refused outright.
-- case_person keeps its foreign key to pmks_case (one distinct key a row: nothing to gain).

ALTER TABLE pmks_case DROP CONSTRAINT pmks_case_category_code_fkey,
                      DROP CONSTRAINT pmks_case_desa_code_fkey,
                      DROP CONSTRAINT pmks_case_upload_id_fkey,
                      DROP CONSTRAINT pmks_case_created_by_fkey;

-- TG_ARGV: column of pmks_case, referenced table, its key column.
CREATE FUNCTION geomap_case_ref_exists() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    missing text;
BEGIN
    EXECUTE format('SELECT 1 FROM %2$I r WHERE r.%3$I IN (SELECT n.%1$I FROM new_rows n) '
                   'ORDER BY r.%3$I FOR KEY SHARE OF r', TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]);
    EXECUTE format('SELECT n.%1$I::text FROM (SELECT DISTINCT %1$I FROM new_rows) n '
                   'WHERE n.%1$I IS NOT NULL AND NOT EXISTS '
                   '(SELECT 1 FROM %2$I r WHERE r.%3$I = n.%1$I) LIMIT 1',
                   TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]) INTO missing;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('pmks_case.%s = %s is not in %s.%s', TG_ARGV[0], missing,
                             TG_ARGV[1], TG_ARGV[2]),
            TABLE = 'pmks_case', COLUMN = TG_ARGV[0];
    END IF;
    RETURN NULL;
END
$fn$;

-- TG_ARGV: key column of the referenced table, column of pmks_case, 'restrict' or 'set null'.
-- Fired on DELETE and UPDATE (old_rows / new_rows) and on TRUNCATE (no rows: every case
-- that names anything is checked).
CREATE FUNCTION geomap_case_ref_removed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    gone text;
    keys text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        keys := format('SELECT c.%1$I FROM pmks_case c WHERE c.%1$I IS NOT NULL AND NOT EXISTS '
                       '(SELECT 1 FROM %2$I r WHERE r.%3$I = c.%1$I)',
                       TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[0]);
    ELSIF TG_OP = 'DELETE' THEN
        keys := format('SELECT o.%1$I FROM old_rows o', TG_ARGV[0]);
    ELSE
        keys := format('SELECT o.%1$I FROM old_rows o EXCEPT SELECT n.%1$I FROM new_rows n',
                       TG_ARGV[0]);
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        EXECUTE format('SELECT k::text FROM (%s) g (k) LIMIT 1', keys) INTO gone;
        IF gone IS NOT NULL THEN
            RAISE object_not_in_prerequisite_state USING
                MESSAGE = format('%s.%s = %s: removing a key that cases may name runs in '
                                 'READ COMMITTED only', TG_TABLE_NAME, TG_ARGV[0], gone);
        END IF;
    END IF;
    IF TG_ARGV[2] = 'set null' THEN
        EXECUTE format('UPDATE pmks_case c SET %1$I = NULL WHERE c.%1$I IN (%2$s)',
                       TG_ARGV[1], keys);
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT c.%1$I::text FROM pmks_case c WHERE c.%1$I IN (%2$s) LIMIT 1',
                   TG_ARGV[1], keys) INTO gone;
    IF gone IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s.%s = %s is still named by pmks_case.%s', TG_TABLE_NAME,
                             TG_ARGV[0], gone, TG_ARGV[1]),
            TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$fn$;

-- One trigger per event (transition tables allow no more), per reference.
DO $do$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('category', 'category_code', 'pmks_category', 'code', 'restrict'),
        ('desa', 'desa_code', 'region', 'code', 'restrict'),
        ('upload', 'upload_id', 'case_upload', 'id', 'set null'),
        ('creator', 'created_by', 'app_user', 'id', 'set null')) v (name, col, ref, key, action)
    LOOP
        EXECUTE format('CREATE TRIGGER pmks_case_%1$s_ref_ins AFTER INSERT ON pmks_case '
                       'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                       'geomap_case_ref_exists(%2$L, %3$L, %4$L)', r.name, r.col, r.ref, r.key);
        EXECUTE format('CREATE TRIGGER pmks_case_%1$s_ref_upd AFTER UPDATE ON pmks_case '
                       'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                       'geomap_case_ref_exists(%2$L, %3$L, %4$L)', r.name, r.col, r.ref, r.key);
        EXECUTE format('CREATE TRIGGER %1$s_case_ref_del AFTER DELETE ON %1$I '
                       'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                       'geomap_case_ref_removed(%2$L, %3$L, %4$L)', r.ref, r.key, r.col, r.action);
        EXECUTE format('CREATE TRIGGER %1$s_case_ref_upd AFTER UPDATE ON %1$I '
                       'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION '
                       'geomap_case_ref_removed(%2$L, %3$L, %4$L)', r.ref, r.key, r.col, r.action);
        EXECUTE format('CREATE TRIGGER %1$s_case_ref_truncate AFTER TRUNCATE ON %1$I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION '
                       'geomap_case_ref_removed(%2$L, %3$L, %4$L)', r.ref, r.key, r.col, r.action);
    END LOOP;
END
$do$;
