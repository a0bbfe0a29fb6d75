import { parseJsonExactly } from '#domain/kernel/exact-json';

describe('parseJsonExactly', () => {
  test('reads an integer above 2^53 as the string of its digits, where JSON.parse rounds it', () => {
    const text = '{"id":820982911946154508,"line":{"variant_id":-9007199254740993}}';

    expect(JSON.parse(text).id).toBe(820982911946154500);
    expect(parseJsonExactly(text)).toEqual({ id: '820982911946154508', line: { variant_id: '-9007199254740993' } });
  });

  test('leaves safe integers, fractions, strings and the rest as JSON.parse reads them', () => {
    const text = '{"id":9007199254740991,"qty":2,"rate":0.0825,"amount":1e3,"sku":"123","ok":true,"none":null}';

    expect(parseJsonExactly(text)).toEqual(JSON.parse(text));
  });

  test('throws SyntaxError for a body that is not JSON, as JSON.parse does', () => {
    expect(() => parseJsonExactly('webhook_id=14')).toThrow(SyntaxError);
  });
});
