-- HMIP probation inspection framework from late 2023 (RaG Jan 2024, CARaG Nov 2023) to Sep 2025:
-- every PDU in a region is inspected, then the region. Data only: empty sandbox, no calls.
-- Fields as in hmip-2018.lua.
--
-- WHICH CODES ARE INFERENCES: every code string in this file ("P1.1", "P2.3.2", "R2.4", ...)
-- is OUR invention [I] (domain.md 1.2 and open question 2: the real codes are in the RaG and
-- CARaG PDFs, not retrieved). What is sourced:
--   PDU domain 1 topics leadership, staffing, services [S HMIP-PDU];
--   PDU domain 2 has 4 core standards [S Sunderland 2025]; their names assessment, planning,
--     implementation and delivery, reviewing are [R] (the dynamic questions C1/C2 use the
--     same stages [S]); the key questions by strand under them are [I] by analogy with 2018;
--   region domain 1 leadership and staffing [S HMIP-PDU];
--   region domain 2 desistance, public protection, resettlement, unpaid work, court work and
--     victim work, in that order [S HMIP-PDU]. Desistance, public protection, resettlement and
--     court work come from aggregated PDU case data; UPW and victim work from regional samples [S].
-- status gives the mark for the TOPIC and label; the code is always [I]. level = "REGION" marks
-- codes that are only ever judged for a whole region.
-- "P" = PDU inspection, "R" = regional inspection. A report that prints bare numbers ("2.1")
-- is resolved through by_unit_type: the inspected unit's type decides between P and R.
-- Questions are our plain-words renderings, except the keeping-safe questions for assessment
-- and planning (HMIP's own wording, dynamic C1/C2 [S]).
return {
  framework = "HMIP-2023",
  body = "HMIP",
  title = "HM Inspectorate of Probation: PDU and regional inspection standards 2023-2025",
  source = "domain.md 1.1-1.2: topics from HMIP PDU inspection page (HMIP-PDU) [S]; four core PDU standards [S Sunderland PDU 2025]; standard names [R]; all codes P1.x, P2.x, R1.x, R2.x and key-question codes are our inference [I] pending the Domain one RaG (Jan 2024) and Domain two CARaG (Nov 2023)",

  codes = {
    -- PDU domain 1 [S topics; codes I]
    { code = "P1.1", label = "Leadership (PDU)", status = "S",
      question = "Does leadership in the PDU support and promote a high-quality, personalised and responsive service for all people on probation?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P1.2", label = "Staffing (PDU)", status = "S",
      question = "Does the PDU have enough skilled and well-supported staff, with manageable workloads, to deliver a high-quality service?",
      maps = { { area = "ORG.STAFF", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P1.3", label = "Services (PDU)", status = "S",
      question = "Does the PDU have a comprehensive range of high-quality services and partnerships in place, supporting a tailored and responsive service?",
      maps = { { area = "ORG.SERVICES", dimension = "QUALITY", relationship = "equal" } } },

    -- PDU domain 2 "service delivery": 4 core standards [S count; names R; codes I]
    { code = "P2.1", label = "Assessment", status = "R",
      question = "Is assessment well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P2.1.1", label = "Assessment: engaging the person", parent = "P2.1", strand = "ENGAGE", status = "I",
      question = "Does assessment focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.1.2", label = "Assessment: offending and desistance", parent = "P2.1", strand = "DESIST", status = "I",
      question = "Does assessment focus sufficiently on the factors linked to offending and desistance?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.1.3", label = "Assessment: keeping other people safe", parent = "P2.1", strand = "SAFE", status = "I",
      question = "Does assessment focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },

    { code = "P2.2", label = "Planning", status = "R",
      question = "Is planning well-informed, holistic and personalised, actively involving the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P2.2.1", label = "Planning: engaging the person", parent = "P2.2", strand = "ENGAGE", status = "I",
      question = "Does planning focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.2.2", label = "Planning: reducing offending and supporting desistance", parent = "P2.2", strand = "DESIST", status = "I",
      question = "Does planning focus sufficiently on reducing offending and supporting desistance?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.2.3", label = "Planning: keeping other people safe", parent = "P2.2", strand = "SAFE", status = "I",
      question = "Does planning focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },

    { code = "P2.3", label = "Implementation and delivery", status = "R",
      question = "Are high-quality, well-focused, personalised and coordinated services delivered, engaging the person on probation?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P2.3.1", label = "Implementation and delivery: engagement and compliance", parent = "P2.3", strand = "ENGAGE", status = "I",
      question = "Is the sentence or licence implemented effectively, with a focus on engaging the person and on their compliance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.3.2", label = "Implementation and delivery: supporting desistance", parent = "P2.3", strand = "DESIST", status = "I",
      question = "Does the delivery of services effectively support the person's desistance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.3.3", label = "Implementation and delivery: keeping other people safe", parent = "P2.3", strand = "SAFE", status = "I",
      question = "Does the delivery of services effectively support the safety of other people?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },

    { code = "P2.4", label = "Reviewing", status = "R",
      question = "Is reviewing of progress well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "equal" } } },
    { code = "P2.4.1", label = "Reviewing: compliance and engagement", parent = "P2.4", strand = "ENGAGE", status = "I",
      question = "Does reviewing focus sufficiently on supporting the person's compliance and engagement?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.4.2", label = "Reviewing: supporting desistance", parent = "P2.4", strand = "DESIST", status = "I",
      question = "Does reviewing focus sufficiently on supporting the person's desistance?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "P2.4.3", label = "Reviewing: keeping other people safe", parent = "P2.4", strand = "SAFE", status = "I",
      question = "Does reviewing focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },

    -- Region domain 1 "leadership and staffing" [S topics; codes I]
    { code = "R1.1", label = "Leadership (region)", status = "S", level = "REGION",
      question = "Does the region's leadership support and promote a high-quality, personalised and responsive service across its PDUs?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "equal" } } },
    { code = "R1.2", label = "Staffing (region)", status = "S", level = "REGION",
      question = "Does the region have enough skilled and well-supported staff, with manageable workloads, to deliver a high-quality service?",
      maps = { { area = "ORG.STAFF", dimension = "QUALITY", relationship = "equal" } } },

    -- Region domain 2 [S topics and order; codes I]
    -- Desistance and public protection are strands judged across all four case stages from the
    -- aggregated PDU case data, so each maps to every CS.* stage as "intersects" (domain.md 7).
    { code = "R2.1", label = "Desistance (region)", strand = "DESIST", status = "S", level = "REGION",
      question = "Across the cases inspected in the region's PDUs, did assessment, planning, delivery and reviewing sufficiently support desistance?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.PLAN", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.IMPL", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.REVIEW", dimension = "QUALITY", relationship = "intersects" } } },
    { code = "R2.2", label = "Public protection (region)", strand = "SAFE", status = "S", level = "REGION",
      question = "Across the cases inspected in the region's PDUs, did assessment, planning, delivery and reviewing focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.PLAN", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.IMPL", dimension = "QUALITY", relationship = "intersects" },
               { area = "CS.REVIEW", dimension = "QUALITY", relationship = "intersects" } } },
    { code = "R2.3", label = "Resettlement (region)", status = "S", level = "REGION",
      question = "Are people leaving prison given well-planned and effective resettlement support, including accommodation and work on release?",
      maps = { { area = "SPEC.RESETTLE", dimension = "QUALITY", relationship = "equal" } } },
    { code = "R2.4", label = "Unpaid work (region)", status = "S", level = "REGION",
      question = "Is unpaid work arranged and delivered well, so that it engages the person, supports desistance and keeps other people safe?",
      maps = { { area = "SPEC.UPW", dimension = "QUALITY", relationship = "equal" } } },
    { code = "R2.5", label = "Court work (region)", status = "S", level = "REGION",
      question = "Is the advice to court well-informed, analytical and personalised, supporting sentencing, and are cases allocated well?",
      maps = { { area = "SPEC.COURT", dimension = "QUALITY", relationship = "equal" } } },
    { code = "R2.6", label = "Victim work (region)", status = "S", level = "REGION",
      question = "Do victims entitled to statutory victim contact receive a high-quality, personalised and timely service?",
      maps = { { area = "SPEC.VICTIM", dimension = "QUALITY", relationship = "equal" } } },
  },

  aliases = {},

  -- Bare numbers as a report may print them, resolved by the inspected unit's type [I].
  by_unit_type = {
    ["1.1"] = { PDU = "P1.1", REGION = "R1.1" },
    ["1.2"] = { PDU = "P1.2", REGION = "R1.2" },
    ["1.3"] = { PDU = "P1.3" },
    ["2.1"] = { PDU = "P2.1", REGION = "R2.1" },
    ["2.2"] = { PDU = "P2.2", REGION = "R2.2" },
    ["2.3"] = { PDU = "P2.3", REGION = "R2.3" },
    ["2.4"] = { PDU = "P2.4", REGION = "R2.4" },
    ["2.5"] = { REGION = "R2.5" },
    ["2.6"] = { REGION = "R2.6" },
    ["2.1.1"] = { PDU = "P2.1.1" }, ["2.1.2"] = { PDU = "P2.1.2" }, ["2.1.3"] = { PDU = "P2.1.3" },
    ["2.2.1"] = { PDU = "P2.2.1" }, ["2.2.2"] = { PDU = "P2.2.2" }, ["2.2.3"] = { PDU = "P2.2.3" },
    ["2.3.1"] = { PDU = "P2.3.1" }, ["2.3.2"] = { PDU = "P2.3.2" }, ["2.3.3"] = { PDU = "P2.3.3" },
    ["2.4.1"] = { PDU = "P2.4.1" }, ["2.4.2"] = { PDU = "P2.4.2" }, ["2.4.3"] = { PDU = "P2.4.3" },
  },
}
