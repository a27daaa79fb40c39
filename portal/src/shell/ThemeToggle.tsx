import { ToggleButton } from '@fluentui/react-components';
import { useTheme } from '../state/theme.js';

/** Switches between light and dark; the first choice overrides the system preference from then on. */
export function ThemeToggle({ className }: { className?: string }) {
  const { dark, setChoice } = useTheme();
  return (
    <ToggleButton className={className} appearance="subtle" checked={dark} aria-label="Dark theme" onClick={() => setChoice(dark ? 'light' : 'dark')}>
      {dark ? 'Dark' : 'Light'}
    </ToggleButton>
  );
}
