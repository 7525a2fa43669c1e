-- Concord common taxonomy (data only: loaded in an empty sandbox, no function calls).
--
-- Source: the domain reference (domain.md) section 7 ("Proposed common taxonomy and mappings"), which is
-- itself marked [I] (a proposal). Areas follow the HMIP-2018 structure because every other
-- body's measures fit under it. Every finding carries the facets:
--   dimension = QUALITY | TIMELINESS | COMPLIANCE | OUTCOME | CAPACITY
--   strand    = ENGAGE | DESIST | SAFE, or none (the field is left out: domain.md calls it NONE)
--   level     = CASE | UNIT | REGION | NATIONAL
-- "relationships" is the vocabulary used by every crosswalk (framework code -> area, and
-- old unit -> new unit). It is read as "FROM is <relationship> of TO":
--   equal:      the same thing (same question / same geography)
--   subset:     FROM covers part of TO and nothing outside it
--   superset:   FROM covers all of TO and more
--   intersects: FROM and TO overlap, each has parts the other lacks
return {
  version = 1,

  areas = {
    { code = "ORG.LEAD", label = "Leadership and governance",
      description = "Leadership, vision, governance and the organisation's own assurance. HMIP-2018 1.1; PDU-2021 1.1; HMIP-2023 P1/R1 leadership. Roll-up judgements owned by leadership (Probation Scorecard) also land here." },
    { code = "ORG.STAFF", label = "Staffing, workload, training and supervision of staff",
      description = "Numbers and skills of staff, workloads, training, professional supervision of staff. Standard 1.2 in every HMIP version; HMIP-2023 P1/R1 staffing." },
    { code = "ORG.SERVICES", label = "Range and quality of services and partnerships",
      description = "The services available to people on probation and the partnerships that provide them, including Commissioned Rehabilitative Services (CRS). HMIP 1.3." },
    { code = "ORG.INFO", label = "Information, ICT and facilities",
      description = "Policies and guidance, ICT and case-management systems, data, premises and facilities. HMIP-2018 and PDU-2021 1.4; national ICT findings." },
    { code = "CS.ASSESS", label = "Assessment",
      description = "Assessment of the person on probation: engagement, factors linked to offending and desistance, risk of serious harm (RoSH), OASys, domestic abuse and safeguarding enquiries. HMIP-2018 2.1; PDU-2021 2.2; HMIP-2023 P2.1; dynamic C1." },
    { code = "CS.PLAN", label = "Sentence and risk management planning",
      description = "Sentence planning and risk management planning, including timeliness of the plan. HMIP-2018 2.2; PDU-2021 2.3; HMIP-2023 P2.2; dynamic C2." },
    { code = "CS.IMPL", label = "Implementation and delivery",
      description = "Delivering the sentence or licence: contact and appointments, interventions, enforcement and breach, compliance. HMIP-2018 2.3; PDU-2021 2.4; HMIP-2023 P2.3." },
    { code = "CS.REVIEW", label = "Reviewing",
      description = "Reviewing progress and risk, especially after a significant change. HMIP-2018 2.4; PDU-2021 2.5; HMIP-2023 P2.4." },
    { code = "CS.OVERSIGHT", label = "Management oversight of cases",
      description = "Oversight of case work by managers (SPOs), including countersigning of assessments; cuts across every CS.* stage. HMIP management oversight guidance." },
    { code = "SPEC.COURT", label = "Court work, pre-sentence reports and allocation",
      description = "Advice to court (pre-sentence reports), court work and allocation of cases after sentence. HMIP-2018 NPS 3.1; PDU-2021 2.1; HMIP-2023 R2 court work." },
    { code = "SPEC.VICTIM", label = "Statutory victim contact",
      description = "Work with victims under the statutory Victim Contact Scheme. HMIP-2018 NPS 3.2; HMIP-2023 R2 victim work." },
    { code = "SPEC.UPW", label = "Unpaid work",
      description = "Arranging, delivering and completing unpaid work (community payback). HMIP-2018 CRC 3.1; HMIP-2023 R2 unpaid work." },
    { code = "SPEC.RESETTLE", label = "Through the Gate and resettlement",
      description = "Resettlement around release from custody: Through the Gate, accommodation and employment, training and education (ETE) on release. HMIP-2018 CRC 3.2; HMIP-2023 R2 resettlement." },
    { code = "OUTCOME", label = "Outcomes",
      description = "Results rather than process: successful completion of orders and licences, reoffending. No HMIP standard anchors this area." },
  },

  dimensions = {
    { code = "QUALITY", label = "Quality",
      description = "How good the work is: a judgement of sufficiency or quality (HMIP key questions, audit quality questions)." },
    { code = "TIMELINESS", label = "Timeliness",
      description = "Whether something happened within a set time (e.g. plan within 15 business days, first contact within 1 business day of release)." },
    { code = "COMPLIANCE", label = "Compliance with policy or contract",
      description = "Whether a required step was taken as policy or contract requires (contact frequency, countersigning, audit baselines), regardless of its quality." },
    { code = "OUTCOME", label = "Outcome",
      description = "A result for people on probation or the public (completion, reoffending, employment, accommodation)." },
    { code = "CAPACITY", label = "Capacity and context",
      description = "Context about the unit's resources (vacancies, caseloads, workload) shown beside judgements; not itself a judgement of practice." },
  },

  strands = {
    { code = "ENGAGE", label = "Engagement",
      description = "Engaging the person on probation and supporting their compliance." },
    { code = "DESIST", label = "Desistance",
      description = "Addressing the factors linked to offending and supporting desistance." },
    { code = "SAFE", label = "Keeping other people safe",
      description = "Risk of harm and public protection: keeping other people safe." },
  },

  levels = {
    { code = "CASE", label = "One case" },
    { code = "UNIT", label = "A unit (PDU, CRC, NPS division, team)" },
    { code = "REGION", label = "A region" },
    { code = "NATIONAL", label = "England and Wales" },
  },

  relationships = {
    { code = "equal", label = "FROM and TO are the same" },
    { code = "subset", label = "FROM lies wholly within TO" },
    { code = "superset", label = "FROM wholly contains TO and more" },
    { code = "intersects", label = "FROM and TO overlap in part" },
  },
}
