-- CRC contract performance measures (Schedule 9 service levels and outcome measures), 2014-2021.
-- Data only: loaded in an empty sandbox, no function calls. Fields as in hmip-2018.lua, plus
-- direction = "lower" where a lower value is better (default: higher is better).
--
-- Targets were NOT retrieved (domain.md 2.1): hold them as dated, per-measure configuration.
-- The R suffix (SL001R) appears to mark a revised definition [I]; unrevised codes (SL001 ...)
-- are not aliased to the revised ones because the definitions may differ.
-- INVENTED CODES (no code in domain.md; ours, rename when the real codes are known):
--   ORDER-COMPLETION, PBR-BINARY, PBR-FREQUENCY.
return {
  framework = "CONTRACT-CRC",
  body = "CONTRACT",
  title = "CRC contract measures: Schedule 9 service levels, order completion and payment by results",
  source = "domain.md 2.1: SL001R, SL002R, SL006R, AE, AK definitions [S data.justice.gov.uk/probation/crc-performance (DJ-CRC) and per-measure pages]; SL003R definition [S DJ-CRC], code [R]; order completion target and PbR [S2 NAO Transforming Rehabilitation HC 951, 2016]; PbR measure design [R]",

  codes = {
    { code = "SL001R", label = "Initial offender contact (community order or SSO)", strand = "ENGAGE", status = "S",
      question = "Was a first face-to-face appointment for the person on a community order or suspended sentence order arranged within 5 business days of allocation?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL002R", label = "Initial contact on licence", strand = "SAFE", status = "S",
      question = "Did the person released on licence have a first appointment within 1 business day of release?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" },
               { area = "SPEC.RESETTLE", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL003R", label = "Sentence plan completed", status = "R",
      question = "Was the sentence plan for the community sentence completed within 15 business days of the first appointment?",
      maps = { { area = "CS.PLAN", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL006R", label = "Priority arrangement of unpaid work", status = "S",
      question = "Was unpaid work arranged within 7 business days of allocation?",
      maps = { { area = "SPEC.UPW", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "AE", label = "Breach referral timeliness", strand = "SAFE", status = "S",
      question = "Was an alleged breach referred for presentation to court within 8 business days?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "AK", label = "Offenders offered monthly contact", strand = "ENGAGE", status = "S",
      question = "Was the person offered at least one face-to-face appointment each month, and was any missed appointment followed up within 5 business days?",
      maps = { { area = "CS.IMPL", dimension = "COMPLIANCE", relationship = "subset" } } },
    -- invented code: completion target 75% overall, CRCs 80% (Dec 2015) [S2 NAO-TR-2016]
    { code = "ORDER-COMPLETION", label = "Successful completion of community orders and SSOs", status = "S2",
      question = "Were community orders and suspended sentence orders completed successfully?",
      maps = { { area = "OUTCOME", dimension = "OUTCOME", relationship = "subset" } } },
    -- invented codes: PbR reoffending, binary and frequency measures [S2 NAO-TR-2016; design R]
    { code = "PBR-BINARY", label = "Payment by results: binary reoffending rate", status = "S2", direction = "lower",
      question = "Did a smaller share of the cohort reoffend than in the baseline (binary reoffending rate)?",
      maps = { { area = "OUTCOME", dimension = "OUTCOME", relationship = "subset" } } },
    { code = "PBR-FREQUENCY", label = "Payment by results: reoffending frequency", status = "S2", direction = "lower",
      question = "Did people in the cohort who reoffended commit fewer further offences each than in the baseline (reoffending frequency)?",
      maps = { { area = "OUTCOME", dimension = "OUTCOME", relationship = "subset" } } },
  },

  aliases = {
    ["CRC SCH9 SL001R"] = "SL001R", ["crc-sch9-sl001r"] = "SL001R",
    ["CRC SCH9 SL002R"] = "SL002R", ["crc-sch9-sl002r"] = "SL002R",
    ["CRC SCH9 SL003R"] = "SL003R", ["crc-sch9-sl003r"] = "SL003R",
    ["CRC SCH9 SL006R"] = "SL006R", ["crc-sch9-sl006r"] = "SL006R",
    ["CRC SCH9 AE"] = "AE", ["crc-sch9-ae"] = "AE",
    ["CRC SCH9 AK"] = "AK", ["crc-sch9-ak"] = "AK",
  },
}
