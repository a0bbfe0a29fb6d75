import type { PageProps } from '../components';

export function OrdersPage(_props: PageProps) {
  return <p>Being built.</p>;
}
