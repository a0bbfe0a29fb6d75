import type { PageProps } from '../components';

export function SettlementsPage(_props: PageProps) {
  return <p>Being built.</p>;
}
