import { Text } from '@fluentui/react-components';
import { PageHeader } from '../components/PageHeader.js';

/** Stands in for a page not built yet, so navigation works end to end. */
export function PlaceholderPage({ title }: { title: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Text>This page is not available yet.</Text>
    </>
  );
}
