import type { PageProps } from '../components';

export function ErpPage(_props: PageProps) {
  return <p>Being built.</p>;
}
