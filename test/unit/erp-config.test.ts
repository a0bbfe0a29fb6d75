import { DEVELOPMENT_ERP_CREDENTIALS, erpConnectorConfig } from '../../shared/erp/erp-config';

const env = (extra: Record<string, string> = {}) => ({ FABRIC_SECRETS_SOURCE: 'env', FABRIC_ERP_CREDENTIALS: JSON.stringify(DEVELOPMENT_ERP_CREDENTIALS), ...extra });

describe('the ERP connector\'s request budget', () => {
  it('spends Business Central online\'s 20 requests a second when the tenant sets nothing', () => {
    expect(erpConnectorConfig(env()).erp.requestsPerSecond).toBe(20);
  });

  it('spends the tenant\'s own budget from FABRIC_ERP_REQUESTS_PER_SECOND (the region\'s erpRequestsPerSecond)', () => {
    expect(erpConnectorConfig(env({ FABRIC_ERP_REQUESTS_PER_SECOND: '7' })).erp.requestsPerSecond).toBe(7);
  });

  it('refuses a budget that is not a positive whole number, naming the variable', () => {
    expect(() => erpConnectorConfig(env({ FABRIC_ERP_REQUESTS_PER_SECOND: '0' }))).toThrow(/FABRIC_ERP_REQUESTS_PER_SECOND/);
  });
});
