-- Test-only plugin (tests/e2e/import.sh): src:csv{ header = true, reuse = true }
-- hands out one table for every row, refilled. The plugin checks that the table
-- is the same one and holds the header's keys only, and emits one event per row
-- (the test checks each event has its own row's values). reuse without a header
-- is refused: the second parse() in tests/plugins/reuse-array/ tries it.
--
--   test_reuse_id,unit,day
return concord.plugin {
  api = 1,
  name = "t-reuse",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: src:csv with reuse = true",

  detect = function(src)
    if src:head(64):find("^test_reuse_id,") then return 0.9 end
    return 0
  end,

  parse = function(src, out)
    local first
    for row, rowno in src:csv{ header = true, reuse = true } do
      first = first or row
      if not rawequal(first, row) then error("a new table at row " .. rowno) end
      local keys = 0
      for _ in pairs(row) do keys = keys + 1 end
      if keys ~= 3 then error(keys .. " keys at row " .. rowno) end
      out:event{ key = row.test_reuse_id, kind = "AUDIT", unit = row.unit,
                 started = row.day, ended = row.day }
    end
  end,
}
