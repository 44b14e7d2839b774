-- Rows of one boundary import before they are checked against the database.
CREATE TEMP TABLE boundary_stage (
    code        text PRIMARY KEY,
    level       text NOT NULL,
    kind        text NOT NULL,
    parent_code text,
    name        text NOT NULL,
    label_point geometry(Point, 4326),
    geom        geometry(MultiPolygon, 4326),
    source      text NOT NULL,
    source_row  integer NOT NULL
) ON COMMIT DROP;
