-- Accounts for administrators: every one, or those in %(names)s; with the area's name
-- and how many live API tokens each has.
SELECT u.id, u.username, u.role, u.area_code, r.name AS area_name, u.disabled, u.created_at,
       (SELECT count(*) FROM api_token t
         WHERE t.user_id = u.id AND t.revoked_at IS NULL)::int AS active_tokens
  FROM app_user u
  LEFT JOIN region r ON r.code = u.area_code
 WHERE %(names)s::text[] IS NULL OR u.username = ANY (%(names)s::text[])
 ORDER BY u.username
