-- NPS service levels, 2014-2021. Data only: loaded in an empty sandbox, no function calls.
-- Fields as in hmip-2018.lua. Targets were NOT retrieved (domain.md 2.1).
-- INVENTED CODE (ours): ORDER-COMPLETION (domain.md gives the NPS completion target, 70% in
-- Dec 2015, but no code).
return {
  framework = "CONTRACT-NPS",
  body = "CONTRACT",
  title = "National Probation Service service levels",
  source = "domain.md 2.1: SL001, SL002, SL003R, SL004R, SL014, SL015 definitions [S data.justice.gov.uk/probation/nps-performance (DJ-NPS) and per-measure pages]; order completion target [S2 NAO-TR-2016]",

  codes = {
    { code = "SL001", label = "Pre-sentence report timeliness", status = "S",
      question = "Were pre-sentence reports completed within the timescale set by the court?",
      maps = { { area = "SPEC.COURT", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL002", label = "Allocation timeliness", status = "S",
      question = "Was the case allocated by the end of the second full business day after sentence?",
      maps = { { area = "SPEC.COURT", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL003R", label = "Initial contact (community order or SSO)", strand = "ENGAGE", status = "S",
      question = "Was initial contact made with the person on a community order or suspended sentence order within 5 business days of allocation to the NPS?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL004R", label = "Initial contact on licence", strand = "SAFE", status = "S",
      question = "Was the first contact with the person released on licence made within 1 business day of release?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" },
               { area = "SPEC.RESETTLE", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL014", label = "Breach timeliness", strand = "SAFE", status = "S",
      question = "Was the breach presented to court within 10 business days of the NPS becoming aware of it?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    { code = "SL015", label = "Response to breach referral from a CRC", strand = "SAFE", status = "S",
      question = "Was a breach referred by a CRC presented to court within 2 business days of the referral?",
      maps = { { area = "CS.IMPL", dimension = "TIMELINESS", relationship = "subset" } } },
    -- invented code
    { code = "ORDER-COMPLETION", label = "Successful completion of community orders and SSOs", status = "S2",
      question = "Were community orders and suspended sentence orders completed successfully?",
      maps = { { area = "OUTCOME", dimension = "OUTCOME", relationship = "subset" } } },
  },

  aliases = {
    ["NPS SL001"] = "SL001", ["nps-sl001"] = "SL001",
    ["NPS SL002"] = "SL002", ["nps-sl002"] = "SL002",
    ["NPS SL003R"] = "SL003R", ["nps-sl003r"] = "SL003R",
    ["NPS SL004R"] = "SL004R", ["nps-sl004r"] = "SL004R",
    ["NPS SL014"] = "SL014", ["nps-sl014"] = "SL014",
    ["NPS SL015"] = "SL015", ["nps-sl015"] = "SL015",
  },
}
