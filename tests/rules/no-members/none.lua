-- Test rule: a flag without members.
return concord.rule {
  api = 1, id = "T_NO_MEMBERS", description = "test: members are required",
  run = function(db, out)
    out:flag { explanation = "a flag about nothing" }
  end,
}
