-- An office's own default service radius per PSKS category.
--
-- psks_category.default_radius_km mirrors ../shared/domain and is rewritten by every
-- taxonomy sync, so an office's choice ("our PSM reach 3 km, not 2") lives apart and
-- wins over it. A resource imported without a radius gets the effective default; a
-- resource whose radius equals the old default follows a change of it
-- (geomap resources set-radius).
CREATE TABLE psks_radius_setting (
    category_code text PRIMARY KEY REFERENCES psks_category (code),
    radius_km     double precision NOT NULL CHECK (radius_km > 0 AND radius_km <= 100),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The radius a resource of each category gets when none is given (NULL: the
-- category serves its whole kecamatan, like TKSK).
CREATE VIEW psks_category_radius AS
SELECT c.code, c.serves_kecamatan,
       CASE WHEN c.serves_kecamatan THEN NULL
            ELSE coalesce(s.radius_km, c.default_radius_km) END AS radius_km,
       s.radius_km IS NOT NULL AS office_setting
  FROM psks_category c
  LEFT JOIN psks_radius_setting s ON s.category_code = c.code;
