-- Test rule: the same members flagged twice.
return concord.rule {
  api = 1, id = "T_TWICE", description = "test: one flag per set of members",
  run = function(db, out)
    out:flag { members = { { event = 10 }, { assessment = 30 } }, explanation = "first" }
    out:flag { members = { { assessment = 30 }, { event = 10 } }, explanation = "second" }
  end,
}
