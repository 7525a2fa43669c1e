database = "x.db"
rules = { CONTRADICTION = { window_days = 90 } }
schedules = { { name = "n", cron = "@daily", jobs = { "import" } } }
