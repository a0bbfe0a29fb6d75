import { parseRoute, routeHash } from '../../../console/src/view/route';

const pages = ['overview', 'exceptions', 'orders'];

describe('where the console is, from its URL hash', () => {
  it('reads the page, its path and its query', () => {
    const route = parseRoute('#/orders/ord_1?sku=MUG-1', pages);
    expect(route.page).toBe('orders');
    expect(route.path).toEqual(['ord_1']);
    expect(route.query.get('sku')).toBe('MUG-1');
  });

  it('opens the first page for an empty or unknown hash', () => {
    expect(parseRoute('', pages)).toMatchObject({ page: 'overview', path: [] });
    expect(parseRoute('#/nowhere/x', pages)).toMatchObject({ page: 'overview', path: [] });
  });

  it('keeps an id with a slash or a question mark one segment, both ways', () => {
    const id = 'OrderNeedsAttention#ord_1#a/b?c';
    const hash = routeHash('exceptions', [id], { status: 'open' });
    expect(hash).toBe('#/exceptions/OrderNeedsAttention%23ord_1%23a%2Fb%3Fc?status=open');
    expect(parseRoute(hash, pages)).toMatchObject({ page: 'exceptions', path: [id] });
  });

  it('takes a malformed escape as it is rather than failing the page', () => {
    expect(parseRoute('#/orders/100%', pages).path).toEqual(['100%']);
  });
});
