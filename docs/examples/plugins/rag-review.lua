-- A complete custom plugin: a regional "assurance review" spreadsheet, saved as CSV, in
-- which a reviewer gives each PDU a RAG rating on a handful of themes. Copy this file
-- into your own plugin folder and run:
--   concord import --plugin-dir YOUR_FOLDER your-export.csv
-- Its crosswalk (what each theme means on the common taxonomy) sits beside it in
-- crosswalks/rag-review-1.lua: frameworks are data, so a new one needs no recompiling.

local THEMES = { LEAD = true, PLAN = true, RISK = true, OVERSIGHT = true }

return concord.plugin {
  api = 1,
  name = "rag-review",
  body = "IQA",                     -- the provider's own assurance
  version = "1.0.0",
  identity_version = 1,
  description = "Regional assurance review: RAG rating per PDU and theme (CSV)",

  -- Cheap and certain: look at the header only.
  detect = function(src)
    local header = src:head(512):match("^[^\r\n]*") or ""
    if header:match("^review_id,pdu,review_date,theme,rag") then return 0.95 end
    return 0
  end,

  parse = function(src, out)
    local seen, units, first, last = {}, {}, nil, nil
    for row in src:csv{ header = true } do
      local id = concord.trim(row.review_id)
      if id == "" then
        out:skip("blank line in the spreadsheet")
      else
        local theme = concord.trim(row.theme):upper()
        if not THEMES[theme] then
          error("theme: '" .. row.theme .. "' is not LEAD, PLAN, RISK or OVERSIGHT", 0)
        end
        local day = concord.date(row.review_date)
        if not seen[id] then           -- one event per review, on its first row
          seen[id] = true
          out:event{ key = id, kind = "QA_AUDIT", unit = row.pdu, started = day, ended = day,
                     title = "Regional assurance review" }
        end
        out:assessment{ key = { id, theme }, event = id, framework = "RAG-REVIEW-1",
                        code = theme, rating = row.rag, text = row.comment }
        units[#units + 1] = row.pdu
        if not first or day < first then first = day end
        if not last or day > last then last = day end
      end
    end
    -- What this file covers: a later version of it may retire records only in here.
    if first then
      out:scope{ key = "rag-review-" .. first:sub(1, 4), units = units, from = first, to = last }
    end
  end,
}
