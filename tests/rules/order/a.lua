-- Test rule: runs first (file-name order).
return concord.rule {
  api = 1, id = "T_ORDER_B", kind = "T_ORDER", description = "test: order (file a)",
  run = function(db, out)
    out:flag { members = { { event = 11 } }, explanation = "from a.lua" }
  end,
}
