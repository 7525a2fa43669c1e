-- Test rule: a query whose rows do not fit in the memory limit (16 MiB in the test).
return concord.rule {
  api = 1, id = "T_MEMORY", description = "test: query results count against the memory limit",
  run = function(db)
    db:query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000) " ..
             "SELECT x, 'some text to make each row bigger' AS padding FROM c")
  end,
}
