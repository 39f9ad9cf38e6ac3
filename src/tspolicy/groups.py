"""Which metrics each report shows: light constants, importable without pandas or matplotlib."""

SHARE, RANK = "recruitment_platform_share", "recruitment_platform_rank"
ENFORCEMENT = ("victims_rescued", "traffickers_arrested", "perpetrators_convicted")
CONTENT = "content_reported"
