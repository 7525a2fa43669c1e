-- Test-only plugin (tests/e2e): a JSON inspection export.
--
--   { "test_json_export": 1,
--     "inspections": [ { "id", "unit", "from", "to", "published",
--                        "ratings": [ { "code", "rating" | "value", "target" } ] } ] }
local function opt(v)
  if v == nil or v == concord.null then return nil end
  return v
end

return concord.plugin {
  api = 1,
  name = "t-json",
  body = "TEST",
  version = "1.0.0",
  identity_version = 1,
  description = "e2e test plugin: JSON inspections",

  detect = function(src)
    local head = src:head(256)
    if head:find('^%s*{%s*"test_json_export"') then return 0.9 end
    return 0
  end,

  parse = function(src, out)
    local doc = src:json()
    for _, ins in ipairs(doc.inspections or {}) do
      out:event{ key = ins.id, kind = "INSPECTION", unit = ins.unit, started = ins.from,
                 ended = ins.to, published = opt(ins.published), at = ins }
      for _, r in ipairs(ins.ratings or {}) do
        out:assessment{ key = { ins.id, r.code }, event = ins.id, framework = "TEST-J",
                        code = r.code, rating = opt(r.rating), value = opt(r.value),
                        target = opt(r.target), at = r }
      end
    end
  end,
}
