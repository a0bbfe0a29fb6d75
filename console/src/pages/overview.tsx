import type { PageProps } from '../components';

export function OverviewPage(_props: PageProps) {
  return <p>Being built.</p>;
}
