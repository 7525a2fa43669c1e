-- Test rule: tries to flag from a finalizer that runs after run() returned.
return concord.rule {
  api = 1, id = "T_LATE", description = "test: nothing after run() returns",
  run = function(db, out)
    keep_alive = setmetatable({}, { __gc = function() out:flag { members = { { event = 10 } }, explanation = "late" } end })
  end,
}
