import { Button, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  footer: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
});

/** Under a paged list: a spinner while a page loads, the list's status line (announced), and "Load more" while the server has more. */
export function LoadMoreFooter({ loading, status, hasMore, onMore }: { loading: boolean; status?: ReactNode; hasMore: boolean; onMore(): void }) {
  const styles = useStyles();
  return (
    <div className={styles.footer}>
      {loading && <Spinner size="tiny" label="Loading…" />}
      {status !== undefined && <Text role="status">{status}</Text>}
      {hasMore && (
        <Button onClick={onMore} disabled={loading}>
          Load more
        </Button>
      )}
    </div>
  );
}
