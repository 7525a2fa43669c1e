-- STALLED_RECOMMENDATION: a recommendation that is still OPEN or IN_PROGRESS long after
-- it should have been dealt with.
--
--   * with a due date: more than `days` days (default 180) after it was due;
--   * with no due date: more than `undated_days` days (default 365) after the
--     scrutiny that made it ended.
--
-- Twice as late as that is severity "high". Settings (concord.lua):
--   rules = { STALLED_RECOMMENDATION = { days = 180, undated_days = 365 } }
--
-- This file is also the worked example in docs/rules.md: copy it into a folder of your
-- own (rule_dirs in concord.lua) to write another rule.

-- "2021-10-15" -> "15 October 2021", for explanations people read.
local MONTHS = { "January", "February", "March", "April", "May", "June", "July",
                 "August", "September", "October", "November", "December" }
local function long_date(d)
  local y, m, day = d:match("^(%d+)-(%d+)-(%d+)$")
  return string.format("%d %s %s", tonumber(day), MONTHS[tonumber(m)], y)
end

-- What to call each kind of event in a sentence.
local KINDS = {
  INSPECTION = "inspection", THEMATIC = "thematic inspection", AUDIT = "audit",
  CONTRACT_RETURN = "contract return", QA_AUDIT = "quality assurance audit",
  SHADOW_INSPECTION = "shadow inspection", MO_CHECK = "management oversight check",
  ROSH_AUDIT = "risk of serious harm audit",
}
local function kind_name(kind)
  return KINDS[kind] or (kind:lower():gsub("_", " "))
end

-- "on 3 May 2022" or "from 3 May 2022 to 13 May 2022".
local function when(started, ended)
  if started == ended then return "on " .. long_date(started) end
  return "from " .. long_date(started) .. " to " .. long_date(ended)
end

local function setting(config, key, default)
  local v = config[key]
  if v == nil then return default end
  if math.type(v) ~= "integer" or v < 1 then
    error(string.format("rules.STALLED_RECOMMENDATION.%s: must be a whole number of days >= 1", key), 0)
  end
  return v
end

return concord.rule {
  api = 1,
  id = "STALLED_RECOMMENDATION",
  severity = "medium",
  description = "A recommendation still open or in progress long after its due date "
             .. "(or, with no due date, long after the scrutiny that made it)",

  run = function(db, out, config)
    local days = setting(config, "days", 180)
    local undated_days = setting(config, "undated_days", 365)

    -- One row per live recommendation that is not finished, with its event. The area is
    -- given only when the recommendation's code maps to exactly one area.
    local sql = [[
      SELECT r.id, r.body, r.text, r.status, r.due, r.status_date, r.unit_id,
             e.id AS event_id, e.kind, e.title, e.reference, e.started, e.ended,
             e.published,
             (SELECT min(x.area) FROM crosswalk x
               WHERE x.framework = r.framework AND x.code = r.code
              HAVING count(DISTINCT x.area) = 1) AS area
        FROM recommendations r
        JOIN events e ON e.id = r.event_id
       WHERE r.retired_by IS NULL AND e.retired_by IS NULL
         AND r.status IN ('OPEN', 'IN_PROGRESS')
       ORDER BY r.id]]

    for r in db:each(sql) do
      -- Late since when, and by how much is too late?
      local since, allowed
      if r.due then
        since, allowed = r.due, days
      else
        since, allowed = r.ended, undated_days
      end
      local late = concord.days(since, db.today)

      if late > allowed then
        local event = r.reference or r.title or ("event " .. r.event_id)
        local what = string.format("the %s %s (%s%s)", kind_name(r.kind), event,
          when(r.started, r.ended),
          r.published and (", published " .. long_date(r.published)) or "")
        local why
        if r.due then
          why = string.format("was due on %s and is still %s %d days later",
            long_date(r.due), (r.status:gsub("_", " ")), late)
        else
          why = string.format("has no due date and is still %s %d days after the %s ended",
            (r.status:gsub("_", " ")), late, kind_name(r.kind))
        end
        local last = r.status_date and (" Its status was last updated on " ..
                                        long_date(r.status_date) .. ".") or ""

        out:flag {
          severity = late > 2 * allowed and "high" or nil,   -- nil: the rule's "medium"
          unit = r.unit_id,
          area = r.area,
          period = { since, db.today },
          bodies = { r.body },
          members = { { recommendation = r.id }, { event = r.event_id } },
          explanation = string.format("%s recommendation from %s %s.%s The recommendation: \"%s\"",
            r.body, what, why, last, r.text),
        }
      end
    end
  end,
}
