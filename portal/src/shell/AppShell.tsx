import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation } from '../routing/router.js';
import { NavMenu } from './NavMenu.js';
import { TopBar } from './TopBar.js';

const NARROW = '@media (max-width: 720px)';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateRows: 'auto 1fr', minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  body: { display: 'grid', gridTemplateColumns: '220px minmax(0, 1fr)', [NARROW]: { gridTemplateColumns: 'minmax(0, 1fr)' } },
  nav: {
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    [NARROW]: { display: 'none' },
  },
  navOpen: { [NARROW]: { display: 'block', borderRight: 'none', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` } },
  main: { padding: tokens.spacingHorizontalXXL, minWidth: 0, [NARROW]: { padding: tokens.spacingHorizontalM } },
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': { left: tokens.spacingHorizontalM, top: tokens.spacingVerticalM, zIndex: 1000, padding: tokens.spacingHorizontalS, backgroundColor: tokens.colorNeutralBackground1 },
  },
});

/** Top bar, left navigation (a toggled menu on narrow windows), and the page; focus moves to the page title on navigation. */
export function AppShell({ children }: { children: ReactNode }) {
  const styles = useStyles();
  const [navOpen, setNavOpen] = useState(false);
  const { path } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    setNavOpen(false);
    // Keyboard and screen-reader users land on the new page's heading, not on the link they left.
    if (first.current) first.current = false;
    else window.setTimeout(() => document.getElementById('page-title')?.focus(), 0);
  }, [path]);
  return (
    <div className={styles.root}>
      <a className={styles.skip} href="#main">
        Skip to content
      </a>
      <TopBar navOpen={navOpen} onToggleNav={() => setNavOpen((o) => !o)} />
      <div className={styles.body}>
        <div id="main-nav" className={mergeClasses(styles.nav, navOpen && styles.navOpen)}>
          <NavMenu />
        </div>
        <main id="main" className={styles.main}>
          {children}
        </main>
      </div>
    </div>
  );
}
