-- Test rule: db:each has no row cap, db:query has one (10 in the test).
local FIFTY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50) " ..
              "SELECT x FROM c"
return concord.rule {
  api = 1, id = "T_ROWS", description = "test: row cap",
  run = function(db)
    local n = 0
    for _ in db:each(FIFTY) do n = n + 1 end
    if n ~= 50 then error("db:each gave " .. n .. " rows", 0) end
    db:query(FIFTY)
  end,
}
