import type { PageProps } from '../components';

export function ExceptionsPage(_props: PageProps) {
  return <p>Being built.</p>;
}
