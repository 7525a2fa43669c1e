-- Concord built-in unit register (data only: loaded in an empty sandbox, no function calls).
--
-- Sources (domain.md section 5): eras 5.1; the 12 regions 5.2 (nDelius provider codes, [S]
-- hmpps-probation-estate-api); NPS divisions 5.3 ([S] CFO Evolution seed SQL); the 21 CRCs 5.4
-- (published names and name variants [S] moj-analytical-services/tidyCSV, owners [R]); PDUs 5.5
-- ([S] hmpps-probation-estate-api migrations; a SUBSET of the estate, see below).
--
-- Fields: code (unique), name, type, parent (code of the containing unit), valid_from/valid_to
-- (ISO dates, inclusive; absent = open), aliases (other names or codes seen for the unit; the
-- resolver tries exact code, then alias, then a fuzzy proposal a person confirms), note.
--
-- Eras (5.1): CRCs and NPS divisions 2014-06-01 .. 2021-06-25; the unified Probation Service's
-- regions and PDUs from 2021-06-26. Probation trusts (to 2014-05-31) are not in the register.
--
-- Codes and why some are ours, not the source's:
--   * NPS divisions: Delius used N01..N07, but N03 (Wales) and N07 (London) were reused as the
--     region codes after unification. A unit code must mean one thing in every era, so the
--     divisions get distinct codes "NPS-N01".."NPS-N07". The bare Delius code is kept as an
--     alias for N01, N02, N04, N05 and N06. For N03 and N07 it is NOT an alias: the bare code
--     resolves (exact code first) to the region, and the era crosswalk below links NPS-N03 to
--     N03 and NPS-N07 to N07 as "equal" geography, so a 2019 finding about the NPS Wales
--     division still lands on Wales. Importers that know the era should emit "NPS-N03".
--   * CRCs: CRC01..CRC21 are OUR codes, in the published order of domain.md 5.4. The real
--     Delius provider codes follow a "Cnn" pattern (C17 is seen with London and C10 with Wales
--     in hmpps-approved-premises-api), but the full C01-C21 list was NOT retrieved, so no Cnn
--     code is used as a code or alias here (domain.md 8, open question 5).
--   * "NPS" (National Probation Service, 2014-2021) is a PROVIDER unit we added [I] as the
--     parent of the 7 divisions, so that NPS-wide contract returns have a unit to land on.
--
-- PDUs: only those listed in domain.md 5.5 (the units onboarded to the estate API). Known to be
-- missing: e.g. Cardiff and Vale, County Durham and Darlington (names [R], codes unknown); add
-- them when their codes are known, or let a plugin declare them with out:unit. The estate
-- changes over time (Staffordshire and Stoke split into North/South; GM PDUs merged) and the
-- dates of those changes were not retrieved, so every PDU here is valid from 2021-06-26.
-- PDU aliases are a few obvious spellings [I], not sourced variants.
return {
  units = {
    { code = "NATIONAL", name = "England and Wales", type = "NATIONAL",
      aliases = { "England & Wales", "National", "HMPPS" } },

    -- The National Probation Service as a whole (2014-2021) [I: added as parent of the divisions]
    { code = "NPS", name = "National Probation Service", type = "PROVIDER", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      note = "Added by us [I] as the parent of the 7 NPS divisions for NPS-wide figures." },

    ---------------------------------------------------------------------------------------
    -- The 12 probation regions (domain.md 5.2) [S]
    ---------------------------------------------------------------------------------------
    { code = "N03", name = "Wales", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "Wales region", "Probation Service Wales", "HMPPS in Wales" } },
    { code = "N07", name = "London", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "London region", "Probation Service London" } },
    { code = "N50", name = "Greater Manchester", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "Greater Manchester region" } },
    { code = "N51", name = "North West", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "North West region" } },
    { code = "N52", name = "West Midlands", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "West Midlands region" } },
    { code = "N53", name = "East Midlands", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "East Midlands region" } },
    { code = "N54", name = "North East", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "North East region" } },
    { code = "N55", name = "Yorkshire and the Humber", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "Yorkshire and the Humber region", "Yorkshire and Humber", "Yorkshire & the Humber" } },
    { code = "N56", name = "East of England", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "East of England region" } },
    { code = "N57", name = "Kent, Surrey and Sussex", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "Kent, Surrey and Sussex region", "Kent Surrey and Sussex", "KSS region" } },
    { code = "N58", name = "South West", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "South West region" } },
    { code = "N59", name = "South Central", type = "REGION", parent = "NATIONAL", valid_from = "2021-06-26",
      aliases = { "South Central region" } },

    ---------------------------------------------------------------------------------------
    -- PDUs (domain.md 5.5) [S codes and names], parent = region
    ---------------------------------------------------------------------------------------
    -- N03 Wales (legacy WPT prefix persists on some codes [S])
    { code = "WPTNWS",  name = "North Wales", type = "PDU", parent = "N03", valid_from = "2021-06-26" },
    { code = "N03CTM",  name = "Cwm Taf Morgannwg", type = "PDU", parent = "N03", valid_from = "2021-06-26" },
    { code = "WPTWES",  name = "Dyfed Powys", type = "PDU", parent = "N03", valid_from = "2021-06-26" },
    { code = "WPTGWT",  name = "Gwent", type = "PDU", parent = "N03", valid_from = "2021-06-26" },
    { code = "N03SNT",  name = "Swansea, Neath Port Talbot", type = "PDU", parent = "N03", valid_from = "2021-06-26",
      aliases = { "Swansea, Neath and Port Talbot" } },

    -- N54 North East
    { code = "N54SOT",  name = "Gateshead and South Tyneside", type = "PDU", parent = "N54", valid_from = "2021-06-26" },
    { code = "N54NUTY", name = "Newcastle Upon Tyne", type = "PDU", parent = "N54", valid_from = "2021-06-26",
      aliases = { "Newcastle" } },
    { code = "N54NOT",  name = "North Tyneside and Northumberland", type = "PDU", parent = "N54", valid_from = "2021-06-26" },
    { code = "N54CLE",  name = "Redcar, Cleveland and Middlesbrough", type = "PDU", parent = "N54", valid_from = "2021-06-26" },
    { code = "N54STHA", name = "Stockton and Hartlepool", type = "PDU", parent = "N54", valid_from = "2021-06-26" },
    { code = "N54SUND", name = "Sunderland", type = "PDU", parent = "N54", valid_from = "2021-06-26" },

    -- N50 Greater Manchester
    { code = "N50BOLT", name = "Bolton", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50ROBO", name = "Bury and Rochdale", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50MANC", name = "Manchester North", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50GMS",  name = "Manchester South", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50OLD",  name = "Oldham", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50SFTR", name = "Salford and Trafford", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50STTA", name = "Stockport and Tameside", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50WIBO", name = "Wigan", type = "PDU", parent = "N50", valid_from = "2021-06-26" },
    { code = "N50PPC",  name = "Public Protection Community", type = "PDU", parent = "N50", valid_from = "2021-06-26",
      note = "Functional PDU serving the whole of Greater Manchester [S name]." },
    { code = "N50UPAC", name = "Unpaid Work and Attendance Centres", type = "PDU", parent = "N50", valid_from = "2021-06-26",
      note = "Functional PDU serving the whole of Greater Manchester [S name]." },

    -- N51 North West
    { code = "N51BLDA", name = "Blackburn and Darwen", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51CTRL", name = "Central Lancashire", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51CHES", name = "Cheshire East", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51WCHE", name = "Cheshire West", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51CUMB", name = "Cumbria", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51LSE",  name = "East Lancashire", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51HAWA", name = "Halton and Warrington", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51KNST", name = "Knowsley and St Helens", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51LSF",  name = "Liverpool North", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51LPLS", name = "Liverpool South", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51LNW",  name = "North West Lancashire", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51SEFT", name = "Sefton", type = "PDU", parent = "N51", valid_from = "2021-06-26" },
    { code = "N51WSHW", name = "Wirral", type = "PDU", parent = "N51", valid_from = "2021-06-26" },

    -- N52 West Midlands
    { code = "N52BCCF", name = "Birmingham Courts and Centralised Functions", type = "PDU", parent = "N52", valid_from = "2021-06-26",
      note = "Functional PDU serving Birmingham [S name]." },
    { code = "N52BIRM", name = "Birmingham Central and South", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52BNES", name = "Birmingham North, East and Solihull", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52CSW",  name = "Coventry", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52DUSA", name = "Dudley and Sandwell", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52WEME", name = "Herefordshire, Shropshire and Telford", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52STF",  name = "Staffordshire North", type = "PDU", parent = "N52", valid_from = "2021-06-26",
      aliases = { "North Staffordshire" } },
    { code = "N52STFS", name = "Staffordshire South", type = "PDU", parent = "N52", valid_from = "2021-06-26",
      aliases = { "South Staffordshire" } },
    { code = "N52BLCO", name = "Walsall and Wolverhampton", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52WARW", name = "Warwickshire", type = "PDU", parent = "N52", valid_from = "2021-06-26" },
    { code = "N52WORC", name = "Worcestershire", type = "PDU", parent = "N52", valid_from = "2021-06-26" },

    -- N53 East Midlands
    { code = "N53DRBY", name = "Derby City", type = "PDU", parent = "N53", valid_from = "2021-06-26" },
    { code = "N53DERS", name = "Derbyshire", type = "PDU", parent = "N53", valid_from = "2021-06-26" },
    { code = "N53LEIS", name = "Leicester, Leicestershire and Rutland", type = "PDU", parent = "N53", valid_from = "2021-06-26",
      aliases = { "LLR" } },
    { code = "N53EWL",  name = "Lincolnshire East and West", type = "PDU", parent = "N53", valid_from = "2021-06-26" },
    { code = "N53NOCY", name = "Nottingham City", type = "PDU", parent = "N53", valid_from = "2021-06-26" },
    { code = "N53NOTS", name = "Nottinghamshire", type = "PDU", parent = "N53", valid_from = "2021-06-26" },

    -- N55 Yorkshire and the Humber
    { code = "N55BAS",  name = "Barnsley and Rotherham", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55BAC",  name = "Bradford and Calderdale", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55DNR",  name = "Doncaster", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55HER",  name = "Hull and East Riding", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55KIR",  name = "Kirklees", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55LEE",  name = "Leeds", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55NNEL", name = "North and North East Lincs", type = "PDU", parent = "N55", valid_from = "2021-06-26",
      aliases = { "North and North East Lincolnshire" } },
    { code = "N55YNY",  name = "North Yorkshire", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55SHF",  name = "Sheffield", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55WAK",  name = "Wakefield", type = "PDU", parent = "N55", valid_from = "2021-06-26" },
    { code = "N55YRK",  name = "York", type = "PDU", parent = "N55", valid_from = "2021-06-26" },

    -- N56 East of England
    { code = "N56BEDS", name = "Bedfordshire", type = "PDU", parent = "N56", valid_from = "2021-06-26" },
    { code = "N56CAMB", name = "Cambridgeshire and Peterborough", type = "PDU", parent = "N56", valid_from = "2021-06-26" },
    { code = "N56ESXN", name = "Essex North", type = "PDU", parent = "N56", valid_from = "2021-06-26",
      aliases = { "North Essex" } },
    { code = "N56ESXS", name = "Essex South", type = "PDU", parent = "N56", valid_from = "2021-06-26",
      aliases = { "South Essex" } },
    { code = "N56HERT", name = "Hertfordshire", type = "PDU", parent = "N56", valid_from = "2021-06-26" },
    { code = "N56NOSU", name = "Norfolk", type = "PDU", parent = "N56", valid_from = "2021-06-26" },
    { code = "N56NRTH", name = "Northamptonshire", type = "PDU", parent = "N56", valid_from = "2021-06-26" },
    { code = "N56SUFF", name = "Suffolk", type = "PDU", parent = "N56", valid_from = "2021-06-26" },

    -- N57 Kent, Surrey and Sussex
    { code = "N57SUS",  name = "Brighton and East Sussex", type = "PDU", parent = "N57", valid_from = "2021-06-26" },
    { code = "N57EKNT", name = "East Kent", type = "PDU", parent = "N57", valid_from = "2021-06-26" },
    { code = "N57KECL", name = "West Kent", type = "PDU", parent = "N57", valid_from = "2021-06-26" },
    { code = "N57SUR",  name = "Surrey", type = "PDU", parent = "N57", valid_from = "2021-06-26" },
    { code = "N57WSUS", name = "West Sussex", type = "PDU", parent = "N57", valid_from = "2021-06-26" },

    -- N58 South West
    { code = "N58BNS",  name = "Bath and North Somerset", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58BSG",  name = "Bristol and South Gloucestershire", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58CIOS", name = "Cornwall and Isles of Scilly", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58DEV",  name = "Devon and Torbay", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58DORS", name = "Dorset", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58GLW",  name = "Gloucestershire", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58PLCO", name = "Plymouth", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58SOM",  name = "Somerset", type = "PDU", parent = "N58", valid_from = "2021-06-26" },
    { code = "N58SWWI", name = "Swindon and Wiltshire", type = "PDU", parent = "N58", valid_from = "2021-06-26" },

    -- N59 South Central
    { code = "N59BUOX", name = "Buckinghamshire and M Keynes", type = "PDU", parent = "N59", valid_from = "2021-06-26",
      aliases = { "Buckinghamshire and Milton Keynes" } },
    { code = "N59BRK",  name = "East Berkshire", type = "PDU", parent = "N59", valid_from = "2021-06-26" },
    { code = "N59HAMP", name = "Hampshire North and East", type = "PDU", parent = "N59", valid_from = "2021-06-26" },
    { code = "N59OXFS", name = "Oxfordshire", type = "PDU", parent = "N59", valid_from = "2021-06-26" },
    { code = "N59SOPO", name = "Portsmouth and IoW", type = "PDU", parent = "N59", valid_from = "2021-06-26",
      aliases = { "Portsmouth and Isle of Wight" } },
    { code = "N59HSW",  name = "Southampton, Eastleigh and New Forest", type = "PDU", parent = "N59", valid_from = "2021-06-26" },
    { code = "N59WESB", name = "West Berkshire", type = "PDU", parent = "N59", valid_from = "2021-06-26" },

    -- N07 London (legacy LDN prefix persists on some codes [S])
    { code = "LDNBDN",  name = "Barking and Dagenham and Havering", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "N07BRNT", name = "Brent", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNNCAI", name = "Camden, Islington", type = "PDU", parent = "N07", valid_from = "2021-06-26",
      aliases = { "Camden and Islington" } },
    { code = "N07CROY", name = "Croydon", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNEHH",  name = "Ealing and Hillingdon", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "N07ENFH", name = "Enfield and Haringey", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNBBG",  name = "Greenwich and Bexley", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNNHTH", name = "Hackney and City", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNNHAK", name = "Hammersmith, Fulham, Kensington, Chelsea and Westminster", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNBEB",  name = "Harrow and Barnet", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNHKR",  name = "Kingston, Richmond and Hounslow", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNLAW",  name = "Lambeth", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "N07LEBR", name = "Lewisham and Bromley", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "N07NEWM", name = "Newham", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNHRWF", name = "Redbridge and Waltham Forest", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNNLAS", name = "Southwark", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "N07TOWH", name = "Tower Hamlets", type = "PDU", parent = "N07", valid_from = "2021-06-26" },
    { code = "LDNCMS",  name = "Wandsworth, Merton and Sutton", type = "PDU", parent = "N07", valid_from = "2021-06-26" },

    ---------------------------------------------------------------------------------------
    -- NPS divisions 2014-2021 (domain.md 5.3) [S names and Delius codes]; see the header for
    -- why the codes are "NPS-Nnn" and why N03/N07 are not aliases.
    -- Not included: N41 National Responsibility Division, N43 National Security Division and
    -- the N21-N37 "External - ..." twins (same source); add them if findings name them.
    ---------------------------------------------------------------------------------------
    { code = "NPS-N01", name = "NPS North West", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "N01", "National Probation Service North West", "NPS North West division" } },
    { code = "NPS-N02", name = "NPS North East", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "N02", "National Probation Service North East", "NPS North East division" } },
    { code = "NPS-N03", name = "NPS Wales", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "National Probation Service Wales", "NPS Wales division", "N03 (NPS)" },
      note = "Delius code N03 is now the Wales region's code, so it is not an alias here." },
    { code = "NPS-N04", name = "NPS Midlands", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "N04", "National Probation Service Midlands", "NPS Midlands division" } },
    { code = "NPS-N05", name = "NPS South West and South Central", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "N05", "National Probation Service South West and South Central", "NPS South West and South Central division" } },
    { code = "NPS-N06", name = "NPS South East and Eastern", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "N06", "National Probation Service South East and Eastern", "NPS South East and Eastern division" } },
    { code = "NPS-N07", name = "NPS London", type = "NPS_DIVISION", parent = "NPS",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "National Probation Service London", "NPS London division", "N07 (NPS)" },
      note = "Delius code N07 is now the London region's code, so it is not an alias here." },

    ---------------------------------------------------------------------------------------
    -- The 21 CRCs 2014-2021 (domain.md 5.4). Codes CRC01..CRC21 are ours (published order);
    -- the real Cnn provider codes were not retrieved. name = published name; aliases = every
    -- published variant [S tidyCSV] plus "... Community Rehabilitation Company" long forms and
    -- well-known short names [I]. note = owner [R].
    ---------------------------------------------------------------------------------------
    { code = "CRC01", name = "Northumbria CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Northumbria Community Rehabilitation Company" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC02", name = "Durham Tees Valley CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Durham and Cleveland CRC", "Durham Tees Valley Community Rehabilitation Company", "DTV CRC" },
      note = "Owner [R]: ARCC." },
    { code = "CRC03", name = "Cumbria and Lancashire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Cumbria and Lancashire Community Rehabilitation Company" },
      note = "Owner [R]: Purple Futures (Interserve)." },
    { code = "CRC04", name = "Cheshire and Greater Manchester CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Cheshire and Greater Manchester Community Rehabilitation Company", "CGM CRC" },
      note = "Owner [R]: Purple Futures (Interserve)." },
    { code = "CRC05", name = "Merseyside CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Merseyside Community Rehabilitation Company" },
      note = "Owner [R]: Purple Futures (Interserve)." },
    { code = "CRC06", name = "West Yorkshire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "West Yorkshire Community Rehabilitation Company" },
      note = "Owner [R]: Purple Futures (Interserve)." },
    { code = "CRC07", name = "Humberside, Lincolnshire and North Yorkshire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "North Yorkshire, Humberside and Lincolnshire CRC",
                  "Humberside, Lincolnshire and North Yorkshire Community Rehabilitation Company", "HLNY CRC" },
      note = "Owner [R]: Purple Futures (Interserve)." },
    { code = "CRC08", name = "South Yorkshire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "SouthYorkshire CRC", "South Yorkshire Community Rehabilitation Company" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC09", name = "Derbyshire, Leicestershire, Nottinghamshire and Rutland CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Derbyshire, Nottinghamshire and Leicestershire CRC",
                  "Derbyshire, Leicestershire, Nottinghamshire and Rutland Community Rehabilitation Company", "DLNR CRC" },
      note = "Owner [R]: Reducing Reoffending Partnership." },
    { code = "CRC10", name = "Staffordshire and West Midlands CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Staffordshire and West Midlands Community Rehabilitation Company", "SWM CRC" },
      note = "Owner [R]: Reducing Reoffending Partnership." },
    { code = "CRC11", name = "Warwickshire and West Mercia CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "West Mercia and Warwickshire CRC", "Warwickshire and West Mercia Community Rehabilitation Company" },
      note = "Owner [R]: EOS Works." },
    { code = "CRC12", name = "Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Northamptonshire, Bedfordshire, Hertfordshire and Cambridgeshire CRC",
                  "Northamptonshire, Bedfordshire, Hertfordshire and Cambridgshire CRC", -- misspelt in published data [S]
                  "Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire Community Rehabilitation Company",
                  "BeNCH CRC" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC13", name = "Norfolk and Suffolk CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Norfolk and Suffolk Community Rehabilitation Company" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC14", name = "Essex CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Essex Community Rehabilitation Company" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC15", name = "London CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "London Community Rehabilitation Company" },
      note = "Owner [R]: MTCnovo." },
    { code = "CRC16", name = "Thames Valley CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Thames Valley Community Rehabilitation Company" },
      note = "Owner [R]: MTCnovo." },
    { code = "CRC17", name = "Hampshire and Isle of Wight CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Hampshire CRC", "Hampshire and Isle of Wight Community Rehabilitation Company" },
      note = "Owner [R]: Sodexo Justice Services." },
    { code = "CRC18", name = "Kent, Surrey and Sussex CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Kent, Surrey and Sussex CRC DATA CaseloadQ2", -- as published [S]
                  "Kent, Surrey and Sussex Community Rehabilitation Company", "KSS CRC" },
      note = "Owner [R]: Seetec." },
    { code = "CRC19", name = "Bristol, Gloucestershire, Somerset and Wiltshire CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Gloucestershire, Avon and Somerset and Wiltshire CRC",
                  -- the misspelt variant domain.md mentions, as hard-coded in tidyCSV R/probation-caseload.R [S]
                  "Gloucetsershire, Avon and Somerset and Wiltshire CRC",
                  "Bristol, Gloucestershire, Somerset and Wiltshire Community Rehabilitation Company", "BGSW CRC" },
      note = "Owner [R]: Working Links, then Seetec (2019)." },
    { code = "CRC20", name = "Dorset, Devon and Cornwall CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Dorset, Devon and Cornwall Community Rehabilitation Company" },
      note = "Owner [R]: Working Links, then Seetec." },
    { code = "CRC21", name = "Wales CRC", type = "CRC", parent = "NATIONAL",
      valid_from = "2014-06-01", valid_to = "2021-06-25",
      aliases = { "Wales Community Rehabilitation Company" },
      note = "Owner [R]: Working Links, then Seetec." },
  },

  -- Era crosswalk: which 2014-2021 unit's geography became which 2021+ unit.
  -- relationship is GEOGRAPHIC, read "FROM is <relationship> of TO" (taxonomy.lua): equal,
  -- subset (FROM lies inside TO), superset (FROM contains TO), intersects (partial overlap).
  -- Caseload caveat for EVERY entry: a CRC supervised only low/medium RoSH cases and the NPS
  -- high RoSH cases, court work and allocation, so a predecessor's caseload is only part of
  -- its successor's even where the geography is "equal". Compare like with like by area and
  -- strand, not by unit alone.
  -- inferred = true marks links that are our inference from geography (not in domain.md).
  crosswalk = {
    -- NPS divisions to regions: as domain.md 7 states ("N01 to N50+N51, N02 to N54+N55, N04 to
    -- N52+N53, N05 to N58+N59, N06 to N56+N57, N03 and N07 unchanged") [I in domain.md].
    { from = "NPS-N01", to = "N50", relationship = "superset", note = "NPS North West covered Greater Manchester and the North West (domain.md 7)." },
    { from = "NPS-N01", to = "N51", relationship = "superset", note = "NPS North West covered Greater Manchester and the North West (domain.md 7)." },
    { from = "NPS-N02", to = "N54", relationship = "superset", note = "NPS North East covered the North East and Yorkshire and the Humber (domain.md 7)." },
    { from = "NPS-N02", to = "N55", relationship = "superset", note = "NPS North East covered the North East and Yorkshire and the Humber (domain.md 7)." },
    { from = "NPS-N03", to = "N03", relationship = "equal", note = "Wales unchanged (domain.md 7); NPS caseload only." },
    { from = "NPS-N04", to = "N52", relationship = "superset", note = "NPS Midlands covered the West and East Midlands (domain.md 7)." },
    { from = "NPS-N04", to = "N53", relationship = "superset", note = "NPS Midlands covered the West and East Midlands (domain.md 7)." },
    { from = "NPS-N05", to = "N58", relationship = "superset", note = "NPS South West and South Central (domain.md 7)." },
    { from = "NPS-N05", to = "N59", relationship = "superset", note = "NPS South West and South Central (domain.md 7)." },
    { from = "NPS-N06", to = "N56", relationship = "superset", note = "NPS South East and Eastern covered the East of England and Kent, Surrey and Sussex (domain.md 7)." },
    { from = "NPS-N06", to = "N57", relationship = "superset", note = "NPS South East and Eastern covered the East of England and Kent, Surrey and Sussex (domain.md 7)." },
    { from = "NPS-N07", to = "N07", relationship = "equal", note = "London unchanged (domain.md 7); NPS caseload only." },

    -- CRCs to regions [I: from the CRC names and county geography; not stated in domain.md].
    { from = "CRC01", to = "N54", relationship = "subset", inferred = true, note = "Northumbria (Tyne and Wear, Northumberland) is the northern part of the North East region." },
    { from = "CRC02", to = "N54", relationship = "subset", inferred = true, note = "Durham and Tees Valley is the southern part of the North East region (domain.md 7: 'spans N54 PDUs')." },
    { from = "CRC03", to = "N51", relationship = "subset", inferred = true, note = "Cumbria and Lancashire lie inside the North West region." },
    { from = "CRC04", to = "N50", relationship = "superset", inferred = true, note = "The CRC covered all of Greater Manchester plus Cheshire." },
    { from = "CRC04", to = "N51", relationship = "intersects", inferred = true, note = "Cheshire, Halton and Warrington (part of this CRC) are in the North West region." },
    { from = "CRC05", to = "N51", relationship = "subset", inferred = true, note = "Merseyside lies inside the North West region." },
    { from = "CRC06", to = "N55", relationship = "subset", inferred = true, note = "West Yorkshire lies inside Yorkshire and the Humber." },
    { from = "CRC07", to = "N55", relationship = "intersects", inferred = true, note = "Humberside (incl. North and North East Lincolnshire) and North Yorkshire are in Yorkshire and the Humber." },
    { from = "CRC07", to = "N53", relationship = "intersects", inferred = true, note = "Lincolnshire is in the East Midlands region." },
    { from = "CRC08", to = "N55", relationship = "subset", inferred = true, note = "South Yorkshire lies inside Yorkshire and the Humber." },
    { from = "CRC09", to = "N53", relationship = "subset", inferred = true, note = "Derbyshire, Leicestershire, Nottinghamshire and Rutland lie inside the East Midlands (which also has Lincolnshire)." },
    { from = "CRC10", to = "N52", relationship = "subset", inferred = true, note = "Staffordshire and the West Midlands conurbation lie inside the West Midlands region." },
    { from = "CRC11", to = "N52", relationship = "subset", inferred = true, note = "Warwickshire, Worcestershire, Herefordshire, Shropshire and Telford lie inside the West Midlands region." },
    { from = "CRC12", to = "N56", relationship = "subset", inferred = true, note = "Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire PDUs are in the East of England region." },
    { from = "CRC13", to = "N56", relationship = "subset", inferred = true, note = "Norfolk and Suffolk lie inside the East of England region." },
    { from = "CRC14", to = "N56", relationship = "subset", inferred = true, note = "Essex lies inside the East of England region." },
    { from = "CRC15", to = "N07", relationship = "equal", inferred = true, note = "London; CRC caseload only." },
    { from = "CRC16", to = "N59", relationship = "subset", inferred = true, note = "Thames Valley (Berkshire, Buckinghamshire, Milton Keynes, Oxfordshire) lies inside South Central." },
    { from = "CRC17", to = "N59", relationship = "subset", inferred = true, note = "Hampshire and the Isle of Wight lie inside South Central." },
    { from = "CRC18", to = "N57", relationship = "equal", inferred = true, note = "Kent, Surrey and Sussex; CRC caseload only." },
    { from = "CRC19", to = "N58", relationship = "subset", inferred = true, note = "Bristol, Gloucestershire, Somerset and Wiltshire (with Swindon, Bath and North East Somerset, South Gloucestershire) lie inside the South West region." },
    { from = "CRC20", to = "N58", relationship = "subset", inferred = true, note = "Dorset, Devon and Cornwall lie inside the South West region." },
    { from = "CRC21", to = "N03", relationship = "equal", inferred = true, note = "Wales; CRC caseload only." },

    -- CRCs to PDUs [I: county geography]. Each listed PDU lies wholly inside one CRC's area,
    -- so the CRC is a geographic superset of the PDU. County Durham and Darlington (CRC02) and
    -- other PDUs missing from the register have no entry.
    { from = "CRC01", to = "N54SOT",  relationship = "superset", inferred = true },
    { from = "CRC01", to = "N54NUTY", relationship = "superset", inferred = true },
    { from = "CRC01", to = "N54NOT",  relationship = "superset", inferred = true },
    { from = "CRC01", to = "N54SUND", relationship = "superset", inferred = true },
    { from = "CRC02", to = "N54CLE",  relationship = "superset", inferred = true },
    { from = "CRC02", to = "N54STHA", relationship = "superset", inferred = true },

    { from = "CRC03", to = "N51BLDA", relationship = "superset", inferred = true },
    { from = "CRC03", to = "N51CTRL", relationship = "superset", inferred = true },
    { from = "CRC03", to = "N51CUMB", relationship = "superset", inferred = true },
    { from = "CRC03", to = "N51LSE",  relationship = "superset", inferred = true },
    { from = "CRC03", to = "N51LNW",  relationship = "superset", inferred = true },
    { from = "CRC04", to = "N51CHES", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N51WCHE", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N51HAWA", relationship = "superset", inferred = true, note = "Halton and Warrington were part of Cheshire's probation area." },
    { from = "CRC05", to = "N51KNST", relationship = "superset", inferred = true },
    { from = "CRC05", to = "N51LSF",  relationship = "superset", inferred = true },
    { from = "CRC05", to = "N51LPLS", relationship = "superset", inferred = true },
    { from = "CRC05", to = "N51SEFT", relationship = "superset", inferred = true },
    { from = "CRC05", to = "N51WSHW", relationship = "superset", inferred = true },

    { from = "CRC04", to = "N50BOLT", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50ROBO", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50MANC", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50GMS",  relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50OLD",  relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50SFTR", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50STTA", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50WIBO", relationship = "superset", inferred = true },
    { from = "CRC04", to = "N50PPC",  relationship = "superset", inferred = true, note = "Functional GM-wide PDU; public protection work was mostly the NPS's before 2021." },
    { from = "CRC04", to = "N50UPAC", relationship = "superset", inferred = true, note = "Functional GM-wide PDU; unpaid work was CRC work before 2021." },

    { from = "CRC10", to = "N52BCCF", relationship = "superset", inferred = true, note = "Court work and allocation were NPS work before 2021." },
    { from = "CRC10", to = "N52BIRM", relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52BNES", relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52CSW",  relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52DUSA", relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52STF",  relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52STFS", relationship = "superset", inferred = true },
    { from = "CRC10", to = "N52BLCO", relationship = "superset", inferred = true },
    { from = "CRC11", to = "N52WEME", relationship = "superset", inferred = true },
    { from = "CRC11", to = "N52WARW", relationship = "superset", inferred = true },
    { from = "CRC11", to = "N52WORC", relationship = "superset", inferred = true },

    { from = "CRC09", to = "N53DRBY", relationship = "superset", inferred = true },
    { from = "CRC09", to = "N53DERS", relationship = "superset", inferred = true },
    { from = "CRC09", to = "N53LEIS", relationship = "superset", inferred = true },
    { from = "CRC09", to = "N53NOCY", relationship = "superset", inferred = true },
    { from = "CRC09", to = "N53NOTS", relationship = "superset", inferred = true },
    { from = "CRC07", to = "N53EWL",  relationship = "superset", inferred = true },

    { from = "CRC08", to = "N55BAS",  relationship = "superset", inferred = true },
    { from = "CRC08", to = "N55DNR",  relationship = "superset", inferred = true },
    { from = "CRC08", to = "N55SHF",  relationship = "superset", inferred = true },
    { from = "CRC06", to = "N55BAC",  relationship = "superset", inferred = true },
    { from = "CRC06", to = "N55KIR",  relationship = "superset", inferred = true },
    { from = "CRC06", to = "N55LEE",  relationship = "superset", inferred = true },
    { from = "CRC06", to = "N55WAK",  relationship = "superset", inferred = true },
    { from = "CRC07", to = "N55HER",  relationship = "superset", inferred = true },
    { from = "CRC07", to = "N55NNEL", relationship = "superset", inferred = true },
    { from = "CRC07", to = "N55YNY",  relationship = "superset", inferred = true },
    { from = "CRC07", to = "N55YRK",  relationship = "superset", inferred = true },

    { from = "CRC12", to = "N56BEDS", relationship = "superset", inferred = true },
    { from = "CRC12", to = "N56CAMB", relationship = "superset", inferred = true },
    { from = "CRC12", to = "N56HERT", relationship = "superset", inferred = true },
    { from = "CRC12", to = "N56NRTH", relationship = "superset", inferred = true },
    { from = "CRC13", to = "N56NOSU", relationship = "superset", inferred = true },
    { from = "CRC13", to = "N56SUFF", relationship = "superset", inferred = true },
    { from = "CRC14", to = "N56ESXN", relationship = "superset", inferred = true },
    { from = "CRC14", to = "N56ESXS", relationship = "superset", inferred = true },

    { from = "CRC18", to = "N57SUS",  relationship = "superset", inferred = true },
    { from = "CRC18", to = "N57EKNT", relationship = "superset", inferred = true },
    { from = "CRC18", to = "N57KECL", relationship = "superset", inferred = true },
    { from = "CRC18", to = "N57SUR",  relationship = "superset", inferred = true },
    { from = "CRC18", to = "N57WSUS", relationship = "superset", inferred = true },

    { from = "CRC19", to = "N58BNS",  relationship = "superset", inferred = true },
    { from = "CRC19", to = "N58BSG",  relationship = "superset", inferred = true },
    { from = "CRC19", to = "N58GLW",  relationship = "superset", inferred = true },
    { from = "CRC19", to = "N58SOM",  relationship = "superset", inferred = true },
    { from = "CRC19", to = "N58SWWI", relationship = "superset", inferred = true },
    { from = "CRC20", to = "N58CIOS", relationship = "superset", inferred = true },
    { from = "CRC20", to = "N58DEV",  relationship = "superset", inferred = true },
    { from = "CRC20", to = "N58DORS", relationship = "superset", inferred = true },
    { from = "CRC20", to = "N58PLCO", relationship = "superset", inferred = true },

    { from = "CRC16", to = "N59BUOX", relationship = "superset", inferred = true },
    { from = "CRC16", to = "N59BRK",  relationship = "superset", inferred = true },
    { from = "CRC16", to = "N59OXFS", relationship = "superset", inferred = true },
    { from = "CRC16", to = "N59WESB", relationship = "superset", inferred = true },
    { from = "CRC17", to = "N59HAMP", relationship = "superset", inferred = true },
    { from = "CRC17", to = "N59SOPO", relationship = "superset", inferred = true },
    { from = "CRC17", to = "N59HSW",  relationship = "superset", inferred = true },

    { from = "CRC21", to = "WPTNWS",  relationship = "superset", inferred = true },
    { from = "CRC21", to = "N03CTM",  relationship = "superset", inferred = true },
    { from = "CRC21", to = "WPTWES",  relationship = "superset", inferred = true },
    { from = "CRC21", to = "WPTGWT",  relationship = "superset", inferred = true },
    { from = "CRC21", to = "N03SNT",  relationship = "superset", inferred = true },

    { from = "CRC15", to = "LDNBDN",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07BRNT", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNNCAI", relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07CROY", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNEHH",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07ENFH", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNBBG",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNNHTH", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNNHAK", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNBEB",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNHKR",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNLAW",  relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07LEBR", relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07NEWM", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNHRWF", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNNLAS", relationship = "superset", inferred = true },
    { from = "CRC15", to = "N07TOWH", relationship = "superset", inferred = true },
    { from = "CRC15", to = "LDNCMS",  relationship = "superset", inferred = true },
  },
}
