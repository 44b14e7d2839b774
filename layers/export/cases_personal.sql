-- The cases of an export filter with their personal data (name, NIK, address, phone), for
-- an explicit, audited personal-data export: only cases in the caller's area (area rule,
-- as cases/persons) AND in the filter (CaseFilter.params: prefix, categories, dates,
-- open_only). The caller checked the role and writes the audit row in this transaction.
-- Parameters: area (geomap.area.area_param), the filter's, srid.
SELECT c.id, c.category_code AS category, c.desa_code, d.name AS desa_name,
       c.kecamatan_code, c.recorded_on, c.status, c.sex, c.age_group, c.household_size,
       c.notes, p.name, p.nik, p.address, p.phone,
       ST_AsBinary(ST_Transform(c.geom, %(srid)s)) AS geom
  FROM pmks_case c
  LEFT JOIN case_person p ON p.case_id = c.id
  LEFT JOIN region d ON d.code = c.desa_code
 WHERE geomap_in_area(c.kecamatan_code, %(area)s)
   AND \include analysis/case_filter
 ORDER BY c.id
