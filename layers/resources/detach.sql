-- Before an edit is checked and written: the resource steps aside (a placeholder
-- fingerprint, inactive) so the edited values are judged like a new row (the one-TKSK
-- rule does not count the resource against itself) and written as one; replace.sql then
-- moves them back onto this id. The caller's transaction undoes this if the edit fails.
UPDATE psks_resource
   SET fingerprint = convert_to('edit ' || id, 'UTF8'), active = false
 WHERE id = %(id)s
