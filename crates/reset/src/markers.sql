SELECT m.name,
       to_char(m.set_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       m.set_by,
       m.note,
       EXISTS (SELECT 1 FROM pg_stat_activity a
                WHERE a.pid = m.backend_pid
                  -- backend_start is hidden for other roles' sessions without pg_read_all_stats
                  AND (a.backend_start IS NULL OR a.backend_start = m.backend_start))
  FROM gwells_db_meta.marker m
