import type { PageProps } from '../components';

export function StoresPage(_props: PageProps) {
  return <p>Being built.</p>;
}
