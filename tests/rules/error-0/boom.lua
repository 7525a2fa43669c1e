-- Test rule: raises without a position (level 0).
return concord.rule {
  api = 1, id = "T_BOOM0", description = "test: errors name the line",
  run = function()
    local t = {}
    error("no position here", 0)
  end,
}
