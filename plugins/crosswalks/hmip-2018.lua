-- HMIP adult probation inspection framework 2018 (Apr 2018 - early 2020), CRCs and NPS divisions.
-- Data only: loaded in an empty sandbox, no function calls.
--
-- Each code: code, label, question (what the code asks, in plain words a leader can read
-- aloud; the reconciler quotes it), strand (ENGAGE/DESIST/SAFE or absent), parent (the
-- standard a key question belongs to), status (domain.md mark for the code and its label:
-- S sourced, S2 secondary source, R unchecked background knowledge, I our inference), maps
-- (to taxonomy areas with a dimension and a relationship read "code is <rel> of area").
-- Questions are our plain-words renderings of the standard statements (domain.md 1.3, [R]),
-- except the "keeping other people safe" questions for assessment and planning, which are
-- HMIP's own wording (dynamic questions C1/C2 [S]).
--
-- Domain 3 and why "3.1-CRC" / "3.1-NPS": CRC inspections rated 3.1 Unpaid work and 3.2 Through
-- the Gate; NPS inspections rated 3.1 Court reports and case allocation and 3.2 Statutory
-- victim work. The same number means different things by inspected unit type, so the codes
-- here carry a suffix. A bare "3.1"/"3.2" is resolved through by_unit_type (the inspected
-- unit's type decides); it is deliberately NOT a plain alias. The DLNR CRC report (Jan 2019)
-- numbers the CRC standards 4.1/4.2, so those are aliases of the CRC codes (numbering drift,
-- domain.md 1.2).
return {
  framework = "HMIP-2018",
  body = "HMIP",
  title = "HM Inspectorate of Probation: adult probation inspection standards 2018-2020 (CRCs and NPS divisions)",
  source = "domain.md 1.1-1.3: standards from the DLNR CRC report contents, Jan 2019 [S] and HMIP documentation area (HMIP-DOCS); 10 standards per inspection [S2 RW-LEAGUE]; NPS-specific standard names [R]; key-question wording HMIP-2018 style [R], keeping-safe questions as dynamic C1/C2 [S HMIP-DYN]",

  codes = {
    -- Domain 1: organisational delivery [S DLNR-2019]
    { code = "1.1", label = "Leadership", status = "S",
      question = "Does leadership support and promote a high-quality, personalised and responsive service for all people on probation?",
      maps = { { area = "ORG.LEAD", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.2", label = "Staff", status = "S",
      question = "Are staff enabled to deliver a high-quality, personalised and responsive service for all people on probation?",
      maps = { { area = "ORG.STAFF", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.3", label = "Services", status = "S",
      question = "Is a comprehensive range of high-quality services in place, supporting a tailored and responsive service for all people on probation?",
      maps = { { area = "ORG.SERVICES", dimension = "QUALITY", relationship = "equal" } } },
    { code = "1.4", label = "Information and facilities", status = "S",
      question = "Are timely and relevant information and suitable facilities in place to support a high-quality, personalised and responsive service?",
      maps = { { area = "ORG.INFO", dimension = "QUALITY", relationship = "equal" } } },

    -- Domain 2: case supervision [S DLNR-2019]; key questions by strand [R], x.y.3 for 2.1/2.2 [S]
    { code = "2.1", label = "Assessment", status = "S",
      question = "Is assessment well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.1.1", label = "Assessment: engaging the person", parent = "2.1", strand = "ENGAGE", status = "R",
      question = "Does assessment focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.1.2", label = "Assessment: offending and desistance", parent = "2.1", strand = "DESIST", status = "R",
      question = "Does assessment focus sufficiently on the factors linked to offending and desistance?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.1.3", label = "Assessment: keeping other people safe", parent = "2.1", strand = "SAFE", status = "S",
      question = "Does assessment focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.ASSESS", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.2", label = "Planning", status = "S",
      question = "Is planning well-informed, holistic and personalised, actively involving the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.2.1", label = "Planning: engaging the person", parent = "2.2", strand = "ENGAGE", status = "R",
      question = "Does planning focus sufficiently on engaging the person on probation?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.2.2", label = "Planning: reducing offending and supporting desistance", parent = "2.2", strand = "DESIST", status = "R",
      question = "Does planning focus sufficiently on reducing offending and supporting desistance?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.2.3", label = "Planning: keeping other people safe", parent = "2.2", strand = "SAFE", status = "S",
      question = "Does planning focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.PLAN", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.3", label = "Implementation and delivery", status = "S",
      question = "Are high-quality, well-focused, personalised and coordinated services delivered, engaging the person on probation?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.3.1", label = "Implementation and delivery: engagement and compliance", parent = "2.3", strand = "ENGAGE", status = "R",
      question = "Is the sentence or licence implemented effectively, with a focus on engaging the person and on their compliance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.3.2", label = "Implementation and delivery: supporting desistance", parent = "2.3", strand = "DESIST", status = "R",
      question = "Does the delivery of services effectively support the person's desistance?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.3.3", label = "Implementation and delivery: keeping other people safe", parent = "2.3", strand = "SAFE", status = "R",
      question = "Does the delivery of services effectively support the safety of other people?",
      maps = { { area = "CS.IMPL", dimension = "QUALITY", relationship = "subset" } } },

    { code = "2.4", label = "Reviewing", status = "S",
      question = "Is reviewing of progress well-informed, analytical and personalised, actively involving the person on probation?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "equal" } } },
    { code = "2.4.1", label = "Reviewing: compliance and engagement", parent = "2.4", strand = "ENGAGE", status = "R",
      question = "Does reviewing focus sufficiently on supporting the person's compliance and engagement?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.4.2", label = "Reviewing: supporting desistance", parent = "2.4", strand = "DESIST", status = "R",
      question = "Does reviewing focus sufficiently on supporting the person's desistance?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },
    { code = "2.4.3", label = "Reviewing: keeping other people safe", parent = "2.4", strand = "SAFE", status = "R",
      question = "Does reviewing focus sufficiently on keeping other people safe?",
      maps = { { area = "CS.REVIEW", dimension = "QUALITY", relationship = "subset" } } },

    -- Domain 3, CRC-specific [S DLNR-2019, numbered 4.1/4.2 there]; the "-CRC" suffix is ours.
    { code = "3.1-CRC", label = "Unpaid work", status = "S",
      question = "Is high-quality, well-focused and personalised unpaid work delivered, engaging the person and supporting desistance?",
      maps = { { area = "SPEC.UPW", dimension = "QUALITY", relationship = "equal" } } },
    { code = "3.2-CRC", label = "Through the Gate", status = "S",
      question = "Are high-quality, well-focused and personalised resettlement services delivered to people leaving prison?",
      maps = { { area = "SPEC.RESETTLE", dimension = "QUALITY", relationship = "equal" } } },

    -- Domain 3, NPS-specific: names [R]; case samples "Reports and Allocations" and "Statutory
    -- Victim Contact" exist [S HMIP-DOCS]. The "-NPS" suffix is ours.
    { code = "3.1-NPS", label = "Court reports and case allocation", status = "R",
      question = "Is the advice to court well-informed, analytical and personalised, supporting the court's decision, and are cases allocated well?",
      maps = { { area = "SPEC.COURT", dimension = "QUALITY", relationship = "equal" } } },
    { code = "3.2-NPS", label = "Statutory victim work", status = "R",
      question = "Is a high-quality, personalised and responsive service delivered to victims entitled to statutory victim contact?",
      maps = { { area = "SPEC.VICTIM", dimension = "QUALITY", relationship = "equal" } } },
  },

  -- Plain aliases: another spelling of exactly one code.
  aliases = {
    ["4.1"] = "3.1-CRC", -- DLNR-2019 numbers the CRC standards 4.x [S]
    ["4.2"] = "3.2-CRC",
    ["3.1 CRC"] = "3.1-CRC", ["CRC 3.1"] = "3.1-CRC", ["3.1 (CRC)"] = "3.1-CRC",
    ["3.2 CRC"] = "3.2-CRC", ["CRC 3.2"] = "3.2-CRC", ["3.2 (CRC)"] = "3.2-CRC",
    ["3.1 NPS"] = "3.1-NPS", ["NPS 3.1"] = "3.1-NPS", ["3.1 (NPS)"] = "3.1-NPS",
    ["3.2 NPS"] = "3.2-NPS", ["NPS 3.2"] = "3.2-NPS", ["3.2 (NPS)"] = "3.2-NPS",
  },

  -- Codes whose meaning depends on the type of the inspected unit (units.lua types).
  by_unit_type = {
    ["3.1"] = { CRC = "3.1-CRC", NPS_DIVISION = "3.1-NPS" },
    ["3.2"] = { CRC = "3.2-CRC", NPS_DIVISION = "3.2-NPS" },
  },
}
