import { randomBytes } from 'node:crypto';
import { hasValidBase64HmacSha256, signBase64HmacSha256 } from '../../shared/channels/webhook-signature';

const secret = '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';
const body = Buffer.from('{"id":5829743312345,"name":"#1001","total_price":"70.36"}');

describe('hasValidBase64HmacSha256', () => {
  test('accepts the signature of the exact bytes with the shared secret', () => {
    expect(hasValidBase64HmacSha256(body, secret, signBase64HmacSha256(body, secret))).toBe(true);
  });

  test('rejects a signature made with another secret', () => {
    expect(hasValidBase64HmacSha256(body, secret, signBase64HmacSha256(body, 'shpss_someone_else'))).toBe(false);
  });

  test('rejects a signature over different bytes, even one character apart', () => {
    const tampered = Buffer.from(body.toString().replace('70.36', '70.35'));

    expect(hasValidBase64HmacSha256(tampered, secret, signBase64HmacSha256(body, secret))).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
  ])('rejects a %s signature header', (_case, header) => {
    expect(hasValidBase64HmacSha256(body, secret, header)).toBe(false);
  });

  test('rejects valid base64 of the wrong length without throwing', () => {
    const sixteenBytes = randomBytes(16).toString('base64');

    expect(hasValidBase64HmacSha256(body, secret, sixteenBytes)).toBe(false);
  });

  test('rejects a header that is not base64 at all', () => {
    expect(hasValidBase64HmacSha256(body, secret, 'not a signature!')).toBe(false);
  });
});
