-- Contract and service-level performance measures (CRC Schedule 9, NPS and Probation Service
-- service levels), as published in the Community Performance tables (domain.md 2).
--
-- CSV, one row per measure x unit x period. Column by column in docs/formats.md ("contract
-- measures"). The column set follows domain.md 2's "realistic columns" [I]; the measure codes
-- are the published ones [S]. Each unit x period is one CONTRACT_RETURN event; each row is an
-- assessment with the measured value and its target. Totals rows, note rows and suppressed
-- values are skipped with a reason.

local trim = concord.trim

-- Known measure codes per framework (domain.md 2.1). Codes not listed are accepted when the
-- framework is certain (a framework column, or a period in the unified Probation Service era).
local MEASURES = {
  ["CONTRACT-CRC"] = { SL001R = true, SL002R = true, SL003R = true, SL006R = true, AE = true, AK = true },
  ["CONTRACT-NPS"] = { SL001 = true, SL002 = true, SL003R = true, SL004R = true, SL014 = true, SL015 = true },
  ["CONTRACT-PS"] = { SL001 = true, SL006 = true, SL029 = true },
}
local UNIFIED = "2021-06-26"   -- the Probation Service replaced CRCs and the NPS (domain.md 5.1)

local SUPPRESSED = { ["*"] = true, [".."] = true, ["-"] = true, ["[c]"] = true, ["[x]"] = true,
                     ["[z]"] = true, ["n/a"] = true, ["N/A"] = true }
local YES = { y = true, yes = true, ["true"] = true, ["1"] = true, met = true }
local NO = { n = true, no = true, ["false"] = true, ["0"] = true, ["not met"] = true }

local function fail(field, fmt, ...)
  error(field .. ": " .. string.format(fmt, ...), 0)
end

local function opt(row, field)
  local v = row[field]
  if v == nil then return nil end
  v = trim(v)
  if v == "" then return nil end
  return v
end

local function header_set(src)
  local head = src:head(4096) or ""
  local line = head:match("^[^\r\n]*") or ""
  local set = {}
  for f in (line .. ","):gmatch("([^,]*),") do
    set[(trim(f):gsub('^"(.*)"$', "%1"))] = true
  end
  return set
end

local function is_contract(src)
  local s = header_set(src)
  return s.measure_code and s.period and (s.unit_code or s.unit_name)
     and (s.performance_pct or (s.numerator and s.denominator)) and true or false
end

local function number(field, s)
  if s == nil then return nil end
  local t = s:gsub("%%$", "")
  if t:match("^%d%d?%d?,%d%d%d") then t = t:gsub(",", "") end   -- 1,234
  local n = tonumber(t)
  if not n or n ~= n or n < 0 then fail(field, "'%s' is not a number", s) end
  return n
end

local function whole(field, s)
  local n = number(field, s)
  if n and n ~= math.floor(n) then fail(field, "'%s' is not a whole number", s) end
  return n and math.tointeger(n)
end

-- UK financial year of a date: "2022/23".
local function fy(d)
  local y, m = tonumber(d:sub(1, 4)), tonumber(d:sub(6, 7))
  if m < 4 then y = y - 1 end
  return string.format("%d/%02d", y, (y + 1) % 100)
end

local function framework_for(row, code, start, unit, unit_name)
  local given = opt(row, "framework")
  if given then
    given = given:upper()
    if not MEASURES[given] then
      fail("framework", "'%s' is not one of CONTRACT-CRC, CONTRACT-NPS, CONTRACT-PS", row.framework)
    end
    return given
  end
  if start >= UNIFIED then return "CONTRACT-PS" end
  local crc, nps = MEASURES["CONTRACT-CRC"][code], MEASURES["CONTRACT-NPS"][code]
  if crc and not nps then return "CONTRACT-CRC" end
  if nps and not crc then return "CONTRACT-NPS" end
  local name = (unit_name or ""):upper()
  if unit:match("^N0%d$") or name:match("NPS") then return "CONTRACT-NPS" end
  if unit:match("^C%d%d$") or unit:match("^CRC%d%d$") or name:match("CRC$")
     or name:match("COMMUNITY REHABILITATION") then
    return "CONTRACT-CRC"
  end
  if crc and nps then
    fail("measure_code", "%s is both a CRC and an NPS measure and unit '%s' does not say which: add a framework column",
         code, unit)
  end
  fail("measure_code", "'%s' is not a known CRC or NPS measure: add a framework column (CONTRACT-CRC or CONTRACT-NPS)",
       code)
end

local function is_total(code, name)
  local c, n = (code or ""):lower(), (name or ""):lower()
  return c == "total" or c == "all" or n:match("^total%f[%A]") ~= nil or n:match("%f[%a]total$") ~= nil
      or n:match("%f[%a]total%f[%A]") ~= nil
end

return concord.plugin {
  api = 1,
  name = "contract",
  body = "CONTRACT",
  version = "1.0.0",
  identity_version = 1,
  description = "CRC, NPS and Probation Service contract and service-level measures (CSV)",

  detect = function(src)
    if not is_contract(src) then return 0 end
    local name = (src.name or ""):lower()
    return name:match("%.csv$") and 0.95 or 0.9
  end,

  parse = function(src, out)
    local events, seen, units = {}, {}, {}
    local from, to

    for row in src:csv{ header = true } do
      local code = opt(row, "measure_code")
      local unit_code, unit_name = opt(row, "unit_code"), opt(row, "unit_name")
      local period_raw = opt(row, "period")
      local pct_raw, num_raw, den_raw = opt(row, "performance_pct"), opt(row, "numerator"), opt(row, "denominator")

      if not unit_code and not unit_name and not period_raw and not pct_raw and not num_raw then
        out:skip(code and "note row (no unit, period or value)" or "blank row")
      elseif is_total(unit_code, unit_name) then
        out:skip("totals row")
      elseif (pct_raw and SUPPRESSED[pct_raw]) or (num_raw and SUPPRESSED[num_raw]) then
        out:skip("value suppressed in the publication")
      else
        if not code then fail("measure_code", "required, but empty") end
        code = code:upper()
        if not code:match("^[A-Z][A-Z0-9]*$") then
          fail("measure_code", "'%s' is not a measure code (e.g. SL006, SL003R, AK)", row.measure_code)
        end
        local unit = unit_code or unit_name
        if not unit then fail("unit_code", "required: give unit_code or unit_name") end
        if not period_raw then fail("period", "required, but empty") end
        local ok, start, finish = pcall(concord.period, period_raw)
        if not ok then fail("period", "%s", tostring(start)) end

        local num, den = whole("numerator", num_raw), whole("denominator", den_raw)
        if (num == nil) ~= (den == nil) then
          fail(num and "denominator" or "numerator", "required when %s is given", num and "numerator" or "denominator")
        end
        if num and num > den then fail("numerator", "%d is more than the denominator %d", num, den) end
        local value = number("performance_pct", pct_raw)
        if value and value > 100 then fail("performance_pct", "'%s' is more than 100", pct_raw) end
        if num then
          if den == 0 then
            if value then fail("performance_pct", "given, but the denominator is 0") end
            out:skip("no cases in the period (denominator 0)")
            goto continue
          end
          local computed = 100 * num / den
          if value and math.abs(value - computed) > 0.051 then
            fail("performance_pct", "%s does not match numerator/denominator %d/%d = %.2f%%", pct_raw, num, den, computed)
          end
          value = value or math.floor(computed * 10 + 0.5) / 10
        end
        if not value then fail("performance_pct", "required when there is no numerator and denominator") end
        local target = number("target_pct", opt(row, "target_pct"))
        if target and target > 100 then fail("target_pct", "'%s' is more than 100", row.target_pct) end

        local met = opt(row, "met_target")
        if met then
          local m = met:lower()
          if not (YES[m] or NO[m]) then fail("met_target", "'%s' is not Y or N", met) end
          if not target then fail("met_target", "given, but target_pct is empty") end
          if (value >= target) ~= (YES[m] == true) then
            fail("met_target", "'%s' contradicts %s%% against a target of %s%%", met, value, target)
          end
        end

        local framework = framework_for(row, code, start, unit, unit_name)
        local ekey = unit .. "|" .. start .. "|" .. finish
        if not events[ekey] then
          events[ekey] = true
          local pub = opt(row, "publication_date")
          local published
          if pub then
            local okp, d = pcall(concord.date, pub)
            if not okp then fail("publication_date", "%s", tostring(d)) end
            published = d
          end
          out:event{ key = { unit, start, finish }, kind = "CONTRACT_RETURN", unit = unit,
                     started = start, ended = finish, published = published,
                     title = "Performance return " .. period_raw }
          units[unit] = true
          if not from or start < from then from = start end
          if not to or finish > to then to = finish end
        end
        local akey = ekey .. "|" .. code
        if seen[akey] then
          fail("measure_code", "%s for %s in %s appears twice", code, unit, period_raw)
        end
        seen[akey] = true
        out:assessment{ key = { unit, start, finish, code }, event = { unit, start, finish },
                        framework = framework, code = code, value = value, target = target }
      end
      ::continue::
    end

    if not from then return end
    local ulist = {}
    for u in pairs(units) do ulist[#ulist + 1] = u end
    table.sort(ulist)
    local years = fy(from)
    if fy(to) ~= years then years = years .. "-" .. fy(to) end
    local joined = table.concat(ulist, "+")
    if #joined > 120 then
      local h = 2166136261
      for i = 1, #joined do h = ((h ~ joined:byte(i)) * 16777619) & 0xffffffff end
      joined = string.format("%d-units-%08x", #ulist, h)
    end
    out:scope{ key = "contract-" .. joined .. "-" .. years,
               units = #ulist <= 256 and ulist or nil, from = from, to = to }
  end,
}
