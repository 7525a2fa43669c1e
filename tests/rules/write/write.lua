-- Test rule: every kind of write is refused, even inside pcall; the last one is not caught.
return concord.rule {
  api = 1, id = "T_WRITE", description = "test: writes are refused",
  run = function(db)
    local writes = {
      "INSERT INTO areas(code) VALUES ('X')", "UPDATE units SET name = 'x'",
      "CREATE TEMP TABLE t(x)", "CREATE TABLE t(x)", "DROP TABLE areas",
      "ATTACH DATABASE ':memory:' AS other", "DETACH DATABASE main", "BEGIN", "COMMIT",
      "ROLLBACK", "SAVEPOINT s", "PRAGMA foreign_keys = OFF", "PRAGMA user_version",
      "VACUUM", "REINDEX", "ANALYZE", "ALTER TABLE areas ADD COLUMN x",
      "WITH x AS (SELECT 1) DELETE FROM areas", "REPLACE INTO areas(code) VALUES ('Y')",
    }
    for _, sql in ipairs(writes) do
      local ok, err = pcall(db.query, db, sql)
      if ok or not tostring(err):find("may only read", 1, true) then
        error("not refused: " .. sql .. ": " .. tostring(err), 0)
      end
    end
    db:query("DELETE FROM events")
  end,
}
