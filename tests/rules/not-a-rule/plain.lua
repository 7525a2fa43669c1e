-- Test rule file: returns a plain table, not concord.rule{...}.
return { api = 1, id = "T_PLAIN", description = "test", run = function() end }
