import type { PageProps } from '../components';

export function DeadLetterQueuesPage(_props: PageProps) {
  return <p>Being built.</p>;
}
