// Imported first by a test that needs the log lines production writes: the Powertools logger reads
// its level once, when its module loads, and integration tests otherwise log errors only.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
