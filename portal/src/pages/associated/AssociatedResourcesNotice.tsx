import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { listAssociated, typeLabel, type AssociatedResource } from './associatedApi.js';

const useStyles = makeStyles({
  notice: { marginTop: tokens.spacingVerticalS },
  list: { maxHeight: '10rem', overflowY: 'auto', margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: tokens.spacingHorizontalXL },
});

/** How many identities of a selection are checked (one request each), and how many hosts are listed per identity. */
const MAX_IDENTITIES = 20;
const PER_IDENTITY = 20;

interface Found {
  identity: string;
  resources: AssociatedResource[];
  total: number;
}

/**
 * For a delete confirmation: the resources still using the identities about to be deleted (deleting does not remove
 * those references). Shows nothing when none is found; a failed lookup (no right to read) is stated, not fatal.
 */
export function AssociatedResourcesNotice({ identities }: { identities: { id: string; name: string }[] }) {
  const styles = useStyles();
  const [found, setFound] = useState<Found[]>();
  const [failed, setFailed] = useState(false);
  const key = identities.map((i) => i.id).join('|');

  useEffect(() => {
    const abort = new AbortController();
    setFound(undefined);
    setFailed(false);
    Promise.all(
      identities.slice(0, MAX_IDENTITIES).map(async (i) => {
        try {
          const p = await listAssociated(i.id, { top: PER_IDENTITY, signal: abort.signal });
          return { identity: i.name, resources: p.value, total: p.totalCount };
        } catch {
          if (!abort.signal.aborted) setFailed(true);
          return { identity: i.name, resources: [], total: 0 };
        }
      }),
    ).then((all) => !abort.signal.aborted && setFound(all.filter((f) => f.total > 0)));
    return () => abort.abort();
    // `key` stands for the list of ids (a new array each render).
  }, [key]);

  if (!found) return <Spinner size="tiny" label="Looking for resources using them…" />;
  const unchecked = identities.length - Math.min(identities.length, MAX_IDENTITIES);
  if (found.length === 0 && !failed && unchecked === 0) return null;
  return (
    <MessageBar intent="warning" className={styles.notice} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Associated resources</MessageBarTitle>
        {found.length > 0 && (
          <>
            These resources use {identities.length === 1 ? 'it' : 'them'} and will keep a reference that no longer works:
            <ul className={styles.list} aria-label="Resources using the identity">
              {found.flatMap((f) => [
                ...f.resources.map((r) => (
                  <li key={`${f.identity}|${r.id}`}>
                    {r.name} ({typeLabel(r.type)}, {r.resourceGroup}){identities.length > 1 ? ` uses ${f.identity}` : ''}
                  </li>
                )),
                ...(f.total > f.resources.length ? [<li key={`${f.identity}|more`}>and {f.total - f.resources.length} more using {f.identity}</li>] : []),
              ])}
            </ul>
          </>
        )}
        {failed && ' Some associated resources could not be looked up.'}
        {unchecked > 0 && ` ${unchecked} of the identities were not checked for associated resources.`}
      </MessageBarBody>
    </MessageBar>
  );
}
