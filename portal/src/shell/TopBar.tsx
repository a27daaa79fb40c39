import { Button, makeStyles, mergeClasses, Menu, MenuItem, MenuList, MenuPopover, MenuTrigger, Text, tokens } from '@fluentui/react-components';
import { useSession } from '../state/session.js';
import { SubscriptionPicker } from './SubscriptionPicker.js';
import { ThemeToggle } from './ThemeToggle.js';

const NARROW = '@media (max-width: 720px)';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, marginRight: 'auto' },
  menuButton: { display: 'none', [NARROW]: { display: 'inline-flex' } },
  onBrand: {
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { color: tokens.colorNeutralForegroundOnBrand, backgroundColor: tokens.colorBrandBackgroundHover },
    ':hover:active': { color: tokens.colorNeutralForegroundOnBrand, backgroundColor: tokens.colorBrandBackgroundPressed },
  },
  account: { maxWidth: '16rem', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
});

/** Product name, menu toggle (narrow windows), subscription selector, theme toggle and the signed-in account with Sign out. */
export function TopBar({ navOpen, onToggleNav }: { navOpen: boolean; onToggleNav(): void }) {
  const styles = useStyles();
  const { session, signOut } = useSession();
  return (
    <header className={styles.bar}>
      <Button className={mergeClasses(styles.menuButton, styles.onBrand)} appearance="subtle" aria-expanded={navOpen} aria-controls="main-nav" onClick={onToggleNav}>
        Menu
      </Button>
      <Text className={styles.brand}>Amity</Text>
      <SubscriptionPicker />
      <ThemeToggle className={styles.onBrand} />
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button className={styles.onBrand} appearance="subtle" aria-label={`Account: ${session.user.userPrincipalName}`} data-testid="account-button">
            <span className={styles.account}>{session.user.displayName || session.user.userPrincipalName}</span>
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem disabled>{session.user.userPrincipalName}</MenuItem>
            <MenuItem onClick={() => void signOut()}>Sign out</MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
    </header>
  );
}
