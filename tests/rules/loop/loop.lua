-- Test rule: loops forever.
return concord.rule {
  api = 1, id = "T_LOOP", description = "test: instruction limit",
  run = function()
    local n = 0
    while true do
      n = n + 1
    end
  end,
}
