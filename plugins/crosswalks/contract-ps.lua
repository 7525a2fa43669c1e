-- Probation Service (unified, from 2021-22) performance measures. Data only: empty sandbox.
-- Fields as in hmip-2018.lua, plus direction = "lower" where lower is better (none here).
--
-- There were 26 service levels in 2022-23 and 2023-24 (16 in 2021-22) [S CPA-2023, CPA-2024],
-- but domain.md names only SL001, SL006 and SL029; no other SL code is invented here.
-- INVENTED CODES (ours; the measures are named in domain.md but their codes are not):
--   EMP-6W, EMP-6M (employment at 6 weeks / 6 months), ACC-RELEASE, ACC-3M (accommodation on
--   release / at 3 months), CRS-SL (the 3 Commissioned Rehabilitative Services service levels,
--   held as one code until their codes and names are known), SCORECARD (Probation Scorecard
--   overall rating, scale "scorecard" in scales.lua).
-- The base of the employment and accommodation measures (who is counted, from when) is [R].
return {
  framework = "CONTRACT-PS",
  body = "CONTRACT",
  title = "Probation Service performance: service levels, outcome measures and scorecard",
  source = "domain.md 2.1: SL001, SL006, SL029 [S data.justice.gov.uk/probation/ps-performance (DJ-PS) and per-measure pages]; employment, accommodation, CRS service levels and Probation Scorecard [S Community Performance Annual 2023 and 2024 (CPA-2023, CPA-2024)]",

  codes = {
    { code = "SL001", label = "Judicial engagement", status = "S",
      question = "Were judges and magistrates satisfied with probation services over the last 12 months?",
      maps = { { area = "SPEC.COURT", dimension = "QUALITY", relationship = "subset" } } },
    { code = "SL006", label = "Initial sentence plan completed", status = "S",
      question = "Was an initial sentence plan completed within 15 business days of the first appointment, for community sentences and releases from custody?",
      maps = { { area = "CS.PLAN", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL029", label = "Unpaid work completions within 12 months", status = "S",
      question = "Were unpaid work hours completed within 12 months of the original sentence date?",
      maps = { { area = "SPEC.UPW", dimension = "OUTCOME", relationship = "subset" },
               { area = "SPEC.UPW", dimension = "TIMELINESS", relationship = "intersects" } } },

    -- invented codes: outcome measures [S CPA-2023/2024 names; base R]
    { code = "EMP-6W", label = "In employment at 6 weeks", strand = "DESIST", status = "S",
      question = "Was the person in employment 6 weeks after starting supervision or being released?",
      maps = { { area = "SPEC.RESETTLE", dimension = "OUTCOME", relationship = "subset" } } },
    { code = "EMP-6M", label = "In employment at 6 months", strand = "DESIST", status = "S",
      question = "Was the person in employment 6 months after starting supervision or being released?",
      maps = { { area = "SPEC.RESETTLE", dimension = "OUTCOME", relationship = "subset" } } },
    { code = "ACC-RELEASE", label = "In settled accommodation on release", strand = "DESIST", status = "S",
      question = "Did the person have settled accommodation on the day of release from prison?",
      maps = { { area = "SPEC.RESETTLE", dimension = "OUTCOME", relationship = "subset" } } },
    { code = "ACC-3M", label = "In settled accommodation at 3 months", strand = "DESIST", status = "S",
      question = "Was the person in settled accommodation 3 months after release from prison?",
      maps = { { area = "SPEC.RESETTLE", dimension = "OUTCOME", relationship = "subset" } } },

    -- invented code: the 3 CRS service levels together [S CPA-2024 count; names not retrieved]
    { code = "CRS-SL", label = "Commissioned Rehabilitative Services service levels", status = "S",
      question = "Did the Commissioned Rehabilitative Services meet their service levels?",
      maps = { { area = "ORG.SERVICES", dimension = "COMPLIANCE", relationship = "subset" } } },

    -- invented code: roll-up rating for the nation and each region,, good / requiring improvement / inadequate [S CPA-2023/2024]
    { code = "SCORECARD", label = "Probation Scorecard overall rating", status = "S",
      question = "Taking its performance measures together, is the region (or the nation) rated good, requiring improvement or inadequate?",
      maps = { { area = "ORG.LEAD", dimension = "OUTCOME", relationship = "intersects" } } },
  },

  aliases = {
    ["PS SL001"] = "SL001", ["ps-sl001"] = "SL001",
    ["PS SL006"] = "SL006", ["ps-sl006"] = "SL006",
    ["PS SL029"] = "SL029", ["ps-sl029"] = "SL029",
  },
}
