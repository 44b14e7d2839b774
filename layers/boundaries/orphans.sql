-- Staged regions whose parent is neither staged nor already in the database.
SELECT s.code, s.parent_code, s.source, s.source_row
  FROM boundary_stage s
 WHERE s.parent_code IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM boundary_stage p WHERE p.code = s.parent_code)
   AND NOT EXISTS (SELECT 1 FROM region r WHERE r.code = s.parent_code)
 ORDER BY s.source, s.source_row
 LIMIT 1;
