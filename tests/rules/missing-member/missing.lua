-- Test rule: a member that is not in the store.
return concord.rule {
  api = 1, id = "T_MISSING", description = "test: members must exist",
  run = function(db, out)
    out:flag { members = { { event = 10 }, { recommendation = 999 } }, explanation = "x" }
  end,
}
