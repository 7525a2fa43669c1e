-- Test rule: the id of a built-in rule.
return concord.rule {
  api = 1, id = "OVERLOAD", description = "test: a built-in id",
  run = function() end,
}
