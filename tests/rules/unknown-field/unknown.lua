-- Test rule: a field out:flag does not know.
return concord.rule {
  api = 1, id = "T_UNKNOWN", description = "test: unknown field",
  run = function(db, out)
    out:flag { members = { { event = 10 } }, explanation = "x", colour = "red" }
  end,
}
