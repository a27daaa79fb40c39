import { Button, DrawerBody, DrawerFooter, DrawerHeader, DrawerHeaderTitle, makeStyles, OverlayDrawer, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  footer: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/**
 * A pane that slides in from the right (the Create pane, Add role assignment, Add federated credential): a title with
 * a Close button, the body, and the footer's buttons. `locked` (a request running) keeps it open: Close, Escape and
 * a click outside do nothing meanwhile.
 */
export function SidePane(props: { title: string; size?: 'medium' | 'large'; locked: boolean; onClose(): void; subtitle?: ReactNode; footer: ReactNode; children: ReactNode }) {
  const styles = useStyles();
  const { locked, onClose } = props;
  return (
    <OverlayDrawer open position="end" size={props.size ?? 'medium'} onOpenChange={(_, d) => !d.open && !locked && onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle
          action={
            <Button appearance="subtle" aria-label="Close" onClick={onClose} disabled={locked}>
              Close
            </Button>
          }
        >
          {props.title}
        </DrawerHeaderTitle>
        {props.subtitle}
      </DrawerHeader>
      <DrawerBody>{props.children}</DrawerBody>
      <DrawerFooter className={styles.footer}>{props.footer}</DrawerFooter>
    </OverlayDrawer>
  );
}
