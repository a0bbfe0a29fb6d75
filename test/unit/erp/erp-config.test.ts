import { DEVELOPMENT_ERP_CREDENTIALS, erpConnectorConfig } from '#shared/erp/erp-config';

const env = (extra: Record<string, string> = {}) => ({
  FABRIC_SECRETS_SOURCE: 'env',
  FABRIC_ERP_CREDENTIALS: JSON.stringify(DEVELOPMENT_ERP_CREDENTIALS),
  ...extra,
});

describe("the ERP connector's request budget", () => {
  it("spends Business Central online's 20 requests a second when the tenant sets nothing", () => {
    expect(erpConnectorConfig(env()).erp.requestsPerSecond).toBe(20);
  });

  it("spends the tenant's own budget from FABRIC_ERP_REQUESTS_PER_SECOND (the region's erpRequestsPerSecond)", () => {
    expect(erpConnectorConfig(env({ FABRIC_ERP_REQUESTS_PER_SECOND: '7' })).erp.requestsPerSecond).toBe(7);
  });

  it('refuses a budget that is not a positive whole number, naming the variable', () => {
    expect(() => erpConnectorConfig(env({ FABRIC_ERP_REQUESTS_PER_SECOND: '0' }))).toThrow(
      /FABRIC_ERP_REQUESTS_PER_SECOND/,
    );
  });
});

describe("the ERP breaker's closed view", () => {
  it('trusts a closed, clean breaker it read for a second when the deployment sets nothing', () => {
    expect(erpConnectorConfig(env()).breaker.closedViewMs).toBe(1000);
  });

  it('reads the breaker for every call with FABRIC_ERP_BREAKER_CLOSED_VIEW_MS=0', () => {
    expect(erpConnectorConfig(env({ FABRIC_ERP_BREAKER_CLOSED_VIEW_MS: '0' })).breaker.closedViewMs).toBe(0);
  });

  it('refuses a view that is not a whole number of milliseconds, naming the variable', () => {
    expect(() => erpConnectorConfig(env({ FABRIC_ERP_BREAKER_CLOSED_VIEW_MS: '-1' }))).toThrow(
      /FABRIC_ERP_BREAKER_CLOSED_VIEW_MS/,
    );
    expect(() => erpConnectorConfig(env({ FABRIC_ERP_BREAKER_CLOSED_VIEW_MS: 'a second' }))).toThrow(
      /FABRIC_ERP_BREAKER_CLOSED_VIEW_MS/,
    );
  });
});

describe("the ERP's commit horizon", () => {
  it("waits out Business Central online's 10-minute request limit before trusting a look-up, when the deployment sets nothing", () => {
    expect(erpConnectorConfig(env()).commitHorizonMs).toBe(600_000);
  });

  it('takes FABRIC_ERP_COMMIT_HORIZON_MS, and refuses one that is not a positive whole number, naming the variable', () => {
    expect(erpConnectorConfig(env({ FABRIC_ERP_COMMIT_HORIZON_MS: '6000' })).commitHorizonMs).toBe(6000);
    expect(() => erpConnectorConfig(env({ FABRIC_ERP_COMMIT_HORIZON_MS: '0' }))).toThrow(
      /FABRIC_ERP_COMMIT_HORIZON_MS/,
    );
  });
});
