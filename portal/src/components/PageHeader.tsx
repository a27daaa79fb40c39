import { makeStyles, Subtitle2, Title2, tokens } from '@fluentui/react-components';
import { useEffect, type ReactNode } from 'react';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, marginBottom: tokens.spacingVerticalL },
  subtitle: { color: tokens.colorNeutralForeground3 },
});

/** The page's one <h1> (focus target after navigation) and the document title. */
export function PageHeader({ title, subtitle, children }: { title: string; subtitle?: string; children?: ReactNode }) {
  const styles = useStyles();
  useEffect(() => {
    document.title = `${title} - Amity`;
  }, [title]);
  return (
    <header className={styles.root}>
      <Title2 as="h1" id="page-title" tabIndex={-1}>
        {title}
      </Title2>
      {subtitle && <Subtitle2 className={styles.subtitle}>{subtitle}</Subtitle2>}
      {children}
    </header>
  );
}
