-- Test-only plugin (tests/e2e): a driver that turns each CSV row into one
-- emitter call, so that a test file can hand the core any record it likes.
--
--   test_claim,<field>,<field>,...
--
-- test_claim is event, assessment, recommendation, scope (then the row is
-- skipped), skip (reason in column "reason") or nothing (the row is left
-- unaccounted for). Every other non-empty column is passed to the emitter
-- under its own name, so a misspelt column is a misspelt field. "units" is
-- split on ';'.
local function fields(row)
  local t = {}
  for k, v in pairs(row) do
    if k ~= "test_claim" and k ~= "reason" and v ~= "" then
      if k == "units" then
        local list = {}
        for part in v:gmatch("[^;]+") do list[#list + 1] = part end
        v = list
      end
      t[k] = v
    end
  end
  return t
end

return concord.plugin {
  api = 1,
  name = "t-claims",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: one emitter call per CSV row",

  detect = function(src)
    if src:head(64):find("^test_claim,") then return 0.9 end
    return 0
  end,

  parse = function(src, out)
    for row in src:csv{ header = true } do
      local what = row.test_claim
      if what == "event" then
        out:event(fields(row))
      elseif what == "assessment" then
        out:assessment(fields(row))
      elseif what == "recommendation" then
        out:recommendation(fields(row))
      elseif what == "scope" then
        out:scope(fields(row))
        out:skip("scope declaration")
      elseif what == "skip" then
        out:skip(row.reason or "skipped")
      elseif what == "nothing" then
        -- deliberately neither emits nor skips
      else
        error("test_claim: unknown '" .. tostring(what) .. "'", 0)
      end
    end
  end,
}
