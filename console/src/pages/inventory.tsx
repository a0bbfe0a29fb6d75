import type { PageProps } from '../components';

export function InventoryPage(_props: PageProps) {
  return <p>Being built.</p>;
}
