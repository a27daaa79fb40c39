import { Button, Input, makeStyles, Text, tokens, useId } from '@fluentui/react-components';
import { useState } from 'react';

const useStyles = makeStyles({
  row: { display: 'grid', gridTemplateColumns: 'minmax(8rem, 12rem) minmax(0, 1fr) auto auto', alignItems: 'center', gap: tokens.spacingHorizontalS, '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr) auto auto' } },
  label: { fontWeight: tokens.fontWeightSemibold, '@media (max-width: 720px)': { gridColumn: '1 / -1' } },
  input: { minWidth: 0 },
  status: { minWidth: '4.5rem', color: tokens.colorNeutralForeground3 },
});

/** A labelled read-only value with a Copy button (clipboard API; the page is always a secure context). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const styles = useStyles();
  const id = useId('copy');
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    window.setTimeout(() => setCopied(undefined), 2000);
  };
  return (
    <div className={styles.row}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <Input id={id} className={styles.input} readOnly value={value} data-testid={`field-${label}`} />
      <Button aria-label={`Copy ${label}`} onClick={() => void copy()}>
        Copy
      </Button>
      <Text className={styles.status} aria-live="polite" role="status" size={200}>
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed' : ''}
      </Text>
    </div>
  );
}
