import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ROUTES } from '../routes.js';
import { AppLink, matchPath, useLocation } from '../routing/router.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: `${tokens.spacingVerticalM} 0` },
  link: {
    display: 'block',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover, textDecorationLine: 'none' },
  },
  active: { fontWeight: tokens.fontWeightSemibold, borderLeft: `3px solid ${tokens.colorBrandForeground1}`, backgroundColor: tokens.colorNeutralBackground1Selected },
});

/** The left navigation, built from the routes that have a `nav` label. */
export function NavMenu() {
  const styles = useStyles();
  const { path } = useLocation();
  const activeRoute = ROUTES.find((r) => matchPath(r.path, path));
  const activeSection = activeRoute?.section ?? activeRoute?.path;
  return (
    <nav aria-label="Main">
      <ul className={styles.list}>
        {ROUTES.filter((r) => r.nav).map((r) => {
          const active = r.path === activeSection;
          return (
            <li key={r.path}>
              <AppLink to={r.path} className={mergeClasses(styles.link, active && styles.active)} aria-current={active ? 'page' : undefined}>
                {r.nav}
              </AppLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
