import type { PageProps } from '../components';

export function ChannelsPage(_props: PageProps) {
  return <p>Being built.</p>;
}
