-- A layer's labels as one JSON array of [text, lon, lat]: the placeholder is the layer's
-- own query, the label placeholder the column that holds the text.
SELECT COALESCE(json_agg(json_build_array(f.{label}, f.label_at -> 0, f.label_at -> 1)),
                '[]'::json)::text
  FROM ({layer}
       ) AS f
 WHERE f.label_at IS NOT NULL
