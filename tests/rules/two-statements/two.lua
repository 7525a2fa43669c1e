-- Test rule: two statements in one db:query are refused.
return concord.rule {
  api = 1, id = "T_TWO", description = "test: one statement at a time",
  run = function(db)
    db:query("SELECT 1; SELECT 2")
  end,
}
