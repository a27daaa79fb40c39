import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, TableCell, TableRow, Text, tokens, useId } from '@fluentui/react-components';
import { useState } from 'react';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { useSession } from '../../state/session.js';
import { MEMBER_KIND_LABELS, roleGuidOf, suggestedActions, type CheckAccessResult, type Member, type RoleDefinition } from './accessControl.js';
import { checkAccess } from './accessApi.js';
import { MemberPicker } from './MemberPicker.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '60rem' },
  intro: { color: tokens.colorNeutralForeground2 },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  action: { flex: '1 1 24rem' },
  wrap: { overflowWrap: 'anywhere' },
});

/**
 * "Check access": pick a principal and an action; the server's checkAccess extension answers whether the principal
 * may take it at this scope, and which role assignments decided (or were considered and did not grant it).
 */
export function CheckAccess({ scope, roles }: { scope: string; roles: RoleDefinition[] }) {
  const styles = useStyles();
  const listId = useId('actions');
  const { session } = useSession();
  const me: Member = { id: session.user.objectId, displayName: session.user.displayName || session.user.userPrincipalName, detail: session.user.userPrincipalName, kind: 'User' };
  const [member, setMember] = useState<Member[]>([]);
  const [action, setAction] = useState(() => suggestedActions(scope)[0]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ result: CheckAccessResult; who: Member; action: string }>();
  const [error, setError] = useState<unknown>();

  async function check() {
    const who = member[0];
    if (!who || !action.trim()) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult({ result: await checkAccess(who.id, action.trim(), scope), who, action: action.trim() });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const roleName = (a: { roleName: string | null; roleDefinitionId: string }) =>
    a.roleName ?? roles.find((r) => r.name.toLowerCase() === roleGuidOf(a.roleDefinitionId))?.properties.roleName ?? roleGuidOf(a.roleDefinitionId);
  const decided = new Set(result?.result.decidingAssignments.map((a) => a.id.toLowerCase()));
  const considered = result ? (result.result.consideredAssignments ?? result.result.decidingAssignments) : [];

  return (
    <section className={styles.root} aria-label="Check access">
      <Text className={styles.intro}>
        Find out whether a user, service principal or managed identity may perform an action here, and which role assignments decide it.
      </Text>
      <div>
        <Button onClick={() => setMember([me])}>Check my access</Button>
      </div>
      <MemberPicker single selected={member} onChange={setMember} label="Principal: search by name" />
      <div className={styles.row}>
        <Field label="Action" className={styles.action} hint="A Microsoft.* operation, e.g. Microsoft.ManagedIdentity/userAssignedIdentities/read">
          <Input value={action} onChange={(_, d) => setAction(d.value)} list={listId} />
        </Field>
        <datalist id={listId}>
          {suggestedActions(scope).map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <Button appearance="primary" onClick={() => void check()} disabled={busy || member.length === 0 || !action.trim()}>
          {busy ? <Spinner size="tiny" label="Checking…" /> : 'Check access'}
        </Button>
      </div>
      {member[0] && (
        <Text>
          Principal: {member[0].displayName} ({MEMBER_KIND_LABELS[member[0].kind]})
        </Text>
      )}
      <ErrorBar error={error} title="Access could not be checked" />
      {result && (
        <MessageBar intent={result.result.allowed ? 'success' : 'error'} role="status" layout="multiline" data-testid="check-access-result">
          <MessageBarBody>
            <MessageBarTitle>{result.result.allowed ? 'Allowed' : 'Denied'}</MessageBarTitle>
            {result.who.displayName} {result.result.allowed ? 'may' : 'may not'} perform {result.action} at this scope. {result.result.reason}
          </MessageBarBody>
        </MessageBar>
      )}
      {result && considered.length > 0 && (
        <ListTable label="Role assignments considered" columns={['Role', 'Scope', 'Grants the action']}>
          {considered.map((a) => (
            <TableRow key={a.id}>
              <TableCell>{roleName(a)}</TableCell>
              <TableCell className={styles.wrap}>{a.scope}</TableCell>
              <TableCell>{decided.has(a.id.toLowerCase()) ? 'Yes' : 'No'}</TableCell>
            </TableRow>
          ))}
        </ListTable>
      )}
    </section>
  );
}
