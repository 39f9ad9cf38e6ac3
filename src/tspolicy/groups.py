"""Which metrics each report shows: light constants, importable without pandas or matplotlib."""

SHARE, RANK = "recruitment_platform_share", "recruitment_platform_rank"
ENFORCEMENT = ("victims_rescued", "traffickers_arrested", "perpetrators_convicted")
CONTENT = "content_reported"
SHARE_BASE = "cases_analysed"  # the base a document gives for a share ("105 cases")
