-- Test rule: loops forever, swallowing the limit error.
return concord.rule {
  api = 1, id = "T_LOOP_PCALL", description = "test: instruction limit under pcall",
  run = function()
    while true do
      pcall(function() while true do end end)
    end
  end,
}
