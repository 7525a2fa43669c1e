-- Test rule: raises with a position.
return concord.rule {
  api = 1, id = "T_BOOM", description = "test: errors name the line",
  run = function()
    error("boom")
  end,
}
