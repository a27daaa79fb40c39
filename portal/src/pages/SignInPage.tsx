import { Button, Card, Field, Input, Link, makeStyles, Spinner, Text, Title2, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { signIn, type SessionInfo } from '../api/session.js';
import { ErrorBar } from '../components/ErrorBar.js';

const useStyles = makeStyles({
  page: { minHeight: '100vh', display: 'grid', placeItems: 'center', padding: tokens.spacingHorizontalL, backgroundColor: tokens.colorNeutralBackground2 },
  card: { width: 'min(26rem, 100%)', padding: tokens.spacingHorizontalXXL },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  help: { color: tokens.colorNeutralForeground3 },
});

/** User name and password, checked by the server's own password sign-in (lockout included); errors shown as the server words them. */
export function SignInPage({ onSignedIn }: { onSignedIn(session: SessionInfo): void }) {
  const styles = useStyles();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(userName.trim(), password));
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <form className={styles.form} onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
          <Title2 as="h1" id="signin-title">
            Sign in to Amity
          </Title2>
          <ErrorBar error={error} title="Sign-in failed" />
          <Field label="User name" required>
            <Input name="username" autoComplete="username" type="email" value={userName} onChange={(_, d) => setUserName(d.value)} autoFocus />
          </Field>
          <Field label="Password" required>
            <Input name="password" autoComplete="current-password" type="password" value={password} onChange={(_, d) => setPassword(d.value)} />
          </Field>
          <Button appearance="primary" type="submit" disabled={busy || !userName || !password}>
            {busy ? <Spinner size="tiny" label="Signing in…" /> : 'Sign in'}
          </Button>
          <Text className={styles.help} size={200}>
            Signing in a command-line tool (<code>az login --use-device-code</code>)? Approve its code on the{' '}
            <Link href="/devicelogin">device sign-in page</Link>.
          </Text>
        </form>
      </Card>
    </main>
  );
}
