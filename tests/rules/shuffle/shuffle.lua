-- Test rule: finds things in hash order (pairs over string keys); the flags must still
-- come out in the same order every run.
return concord.rule {
  api = 1, id = "T_SHUFFLE", description = "test: deterministic output",
  run = function(db, out)
    local found = {}
    for row in db:each("SELECT id FROM recommendations WHERE retired_by IS NULL") do
      found["recommendation " .. row.id] = { recommendation = row.id }
    end
    for row in db:each("SELECT id FROM events WHERE retired_by IS NULL") do
      found["event " .. row.id] = { event = row.id }
    end
    for name, member in pairs(found) do
      out:flag { members = { member }, explanation = "found " .. name }
    end
  end,
}
