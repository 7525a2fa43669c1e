-- Test rule: runs second (file-name order), whatever its id.
return concord.rule {
  api = 1, id = "T_ORDER_A", kind = "T_ORDER", severity = "HIGH", description = "test: order (file b)",
  run = function(db, out)
    out:flag { members = { { event = 10 } }, explanation = "from b.lua" }
  end,
}
