-- Test rule: an id that is not upper-case.
return concord.rule {
  api = 1, id = "Stalled-Recommendation", description = "test: bad id",
  run = function() end,
}
