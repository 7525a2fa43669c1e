-- Test rule: a query that never ends.
return concord.rule {
  api = 1, id = "T_SQL_LOOP", description = "test: SQL counts against the instruction limit",
  run = function(db)
    db:query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) " ..
             "SELECT count(*) FROM c")
  end,
}
