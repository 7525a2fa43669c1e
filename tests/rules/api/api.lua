-- Test rule (tests/unit/test_rules_lua.c): exercises db, out and the concord helpers on
-- the test's fixture, raising on the first surprise; flags once when everything held.
local function check(cond, what)
  if not cond then error("check failed: " .. what, 2) end
end

local function refused(pattern, f, ...)
  local ok, err = pcall(f, ...)
  check(not ok, "expected an error containing '" .. pattern .. "'")
  check(tostring(err):find(pattern, 1, true), "expected '" .. pattern .. "', got: " .. tostring(err))
end

return concord.rule {
  api = 1,
  id = "T_API",
  kind = "TEST",
  severity = "low",
  description = "test: the rule API",
  run = function(db, out, config)
    check(db.today == "2023-06-30", "db.today is " .. tostring(db.today))

    -- db:query: rows keyed by column, integers stay integers, NULL is absent
    local rows = db:query("SELECT id, code, parent_id, 1.5 AS half, NULL AS absent " ..
                          "FROM units WHERE type = ? ORDER BY id", "PDU")
    check(#rows == 2, "two PDUs")
    check(math.type(rows[1].id) == "integer" and rows[1].id == 2, "integer id")
    check(rows[1].code == "N54CLE", "text column")
    check(rows[1].half == 1.5 and math.type(rows[1].half) == "float", "real column")
    check(rows[1].absent == nil, "NULL is absent")
    local r = db:query("SELECT ? AS i, ? AS f, ? AS s, ? AS b, ? AS n", 42, 0.25, "x", true, nil)[1]
    check(r.i == 42 and math.type(r.i) == "integer", "bind integer")
    check(r.f == 0.25, "bind float")
    check(r.s == "x", "bind string")
    check(r.b == 1, "bind boolean")
    check(r.n == nil, "bind nil")
    check(#db:query("SELECT 1 WHERE 0") == 0, "empty result")
    check(db:query("SELECT 1 AS one; -- a trailing comment is fine\n")[1].one == 1, "trailing ;")
    check(#db:query("SELECT * FROM judgements") == 1, "the judgements view")
    check(#db:query("SELECT name FROM pragma_table_info('units')") >= 8, "pragma_table_info")
    check(#db:query("PRAGMA table_info(units)") >= 8, "PRAGMA table_info")
    refused("may not be modified", db.query, db, "UPDATE sqlite_master SET sql = 'x'")
    refused("2 parameters, but 1 value was given", db.query, db, "SELECT ?, ?", 1)
    refused("cannot use a table in SQL", db.query, db, "SELECT ?", {})
    refused("call it with a colon", db.query, "SELECT 1")
    refused("no such table: nowhere", db.query, db, "SELECT * FROM nowhere")
    refused("no SQL statement", db.query, db, "  -- nothing")

    -- db:each, run out and broken off
    local n = 0
    for _ in db:each("SELECT id FROM events ORDER BY id") do
      n = n + 1
      if n == 2 then break end
    end
    check(n == 2, "each, broken off")
    n = 0
    for row in db:each("SELECT id FROM events WHERE id > ? ORDER BY id", 10) do
      n = n + 1
      check(math.type(row.id) == "integer" and row.id == 10 + n, "each row " .. n)
    end
    check(n == 3, "each, to the end")

    -- db:unit, db:question
    local u = db:unit(2)
    check(u.id == 2 and u.code == "N54CLE" and u.name == "Cleveland" and u.type == "PDU" and
          u.parent == "NATIONAL" and u.parent_id == 1, "db:unit(id)")
    check(db:unit("N54SUND").id == 3, "db:unit(code)")
    check(db:unit(999) == nil, "db:unit of nothing")
    check(db:question("HMIP-PDU-2021", "2.3") == "Is planning well done?", "db:question")
    check(db:question("HMIP-PDU-2021", "P") == "Is planning well done?", "db:question by alias")
    check(db:question("HMIP-PDU-2021", "9.9") == nil, "db:question of nothing")

    -- helpers and the sandbox
    check(concord.days("2023-06-01", "2023-06-30") == 29, "concord.days")
    check(concord.days("2023-06-30", "2023-06-01") == -29, "concord.days backwards")
    check(concord.add_days("2023-06-30", 1) == "2023-07-01", "concord.add_days")
    check(concord.date("30/06/2023") == "2023-06-30", "concord.date")
    check(concord.plugin == nil, "no concord.plugin in a rule")
    refused("the os library is not available", function() return os.time() end)
    refused("require is not available", function() return require("x") end)

    -- everything a rule is given is read-only
    refused("read-only", function() db.today = "2000-01-01" end)
    refused("read-only", function() out.flag = nil end)
    refused("config is read-only", function() config.days = 1 end)

    -- out:flag checks each field
    local m = { { event = 10 } }
    refused("out:flag: severity: must be", out.flag, out,
            { severity = "urgent", members = m, explanation = "x" })
    refused("unit: 'NOWHERE' is not a unit", out.flag, out,
            { unit = "NOWHERE", members = m, explanation = "x" })
    refused("unit: '999' is not a unit", out.flag, out, { unit = 999, members = m, explanation = "x" })
    refused("area: 'NO.AREA' is not an area", out.flag, out,
            { area = "NO.AREA", members = m, explanation = "x" })
    refused("period: ends before it starts", out.flag, out,
            { period = { "2023-01-02", "2023-01-01" }, members = m, explanation = "x" })
    refused("period: '2023-02-30' is not a real date", out.flag, out,
            { period = { "2023-01-01", "2023-02-30" }, members = m, explanation = "x" })
    refused("bodies[1]: 'hmip' is not a body name", out.flag, out,
            { bodies = { "hmip" }, members = m, explanation = "x" })
    refused("members[1]: give exactly one of", out.flag, out,
            { members = { { event = 10, assessment = 30 } }, explanation = "x" })
    refused("members[1]: give exactly one of", out.flag, out,
            { members = { { flag = 10 } }, explanation = "x" })
    refused("members[1]: event: expected an id", out.flag, out,
            { members = { { event = "10" } }, explanation = "x" })
    refused("members: give at least one", out.flag, out, { members = {}, explanation = "x" })
    refused("members[1]: assessment 32 is retired", out.flag, out,
            { members = { { assessment = 32 } }, explanation = "x" })
    refused("explanation: required", out.flag, out, { members = m })
    refused("explanation: required, but empty", out.flag, out, { members = m, explanation = " \n " })
    refused("takes a table of named fields", out.flag, out, { "x", members = m, explanation = "x" })

    -- A good flag: the unit and bodies come from the members; a duplicate member is dropped;
    -- words that only look a little like CRNs are fine.
    out:flag {
      members = { { assessment = 30 }, { event = 10 }, { event = 10 } },
      area = "CS.PLAN",
      period = "2021/22",
      explanation = "  Everything held: X1234567, AX123456 and x123456 are not CRNs.  ",
    }
  end,
}
