// Runs before any module of a test file loads, so the Powertools singletons see it: handler logs and
// EMF metrics would drown the test report, and failures still print at ERROR.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// No X-Ray locally: the tracer is not even loaded (see shared/adapters/observability.ts).
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
