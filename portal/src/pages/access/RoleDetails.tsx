import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { RoleDefinition } from './accessControl.js';

const useStyles = makeStyles({
  list: { margin: `${tokens.spacingVerticalXXS} 0 ${tokens.spacingVerticalS}`, paddingLeft: tokens.spacingHorizontalXL, overflowWrap: 'anywhere' },
  heading: { fontWeight: tokens.fontWeightSemibold, display: 'block', marginTop: tokens.spacingVerticalS },
});

/** A role's description and its permissions (actions, not-actions, data actions), as the role's details pane shows them. */
export function RoleDetails({ role }: { role: RoleDefinition }) {
  const styles = useStyles();
  const perms = role.properties.permissions;
  const block = (title: string, items: string[]) =>
    items.length > 0 && (
      <>
        <Text className={styles.heading}>{title}</Text>
        <ul className={styles.list} aria-label={`${role.properties.roleName}: ${title}`}>
          {items.map((a) => (
            <li key={a}>
              <code>{a}</code>
            </li>
          ))}
        </ul>
      </>
    );
  return (
    <div>
      <Text block>{role.properties.description}</Text>
      {block('Actions', perms.flatMap((p) => p.actions))}
      {block('Not actions', perms.flatMap((p) => p.notActions))}
      {block('Data actions', perms.flatMap((p) => p.dataActions ?? []))}
      {block('Not data actions', perms.flatMap((p) => p.notDataActions ?? []))}
    </div>
  );
}
