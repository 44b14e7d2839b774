-- What the PSKS figures (Coverage, Gap) depend on beyond the cases (stamp.sql): the
-- resources and the office's default radii. Every edit of a resource or a radius sets
-- its updated_at; a deleted resource changes the count. A computation made when this
-- row was different is stale.
SELECT (SELECT count(*) FROM psks_resource) AS resources,
       (SELECT max(id) FROM psks_resource) AS last_resource,
       (SELECT max(updated_at) FROM psks_resource) AS resource_edit,
       (SELECT max(updated_at) FROM psks_radius_setting) AS radius_edit
