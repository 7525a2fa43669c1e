-- Test rule: the same id in two folders.
return concord.rule {
  api = 1, id = "T_SAME", description = "test: duplicate id",
  run = function() end,
}
