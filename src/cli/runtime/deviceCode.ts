import { CliError } from './errors.js';
import { httpRequest } from './http.js';
import { parseJson } from './tokens.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceCodeStart {
  message: string;
  userCode: string;
  verificationUri: string;
}

/**
 * OAuth2 device authorization (RFC 8628) against the tenant's v2 endpoints: asks for a code, shows the server's own
 * message (az prints it as it comes), then polls the token endpoint at the interval the server set, slower on
 * `slow_down`, until the person approves, declines or the code expires. Returns the token endpoint's answer.
 */
export async function deviceCodeSignIn(
  server: string,
  tenantId: string,
  caCert: string | undefined,
  form: { clientId: string; scope: string },
  show: (start: DeviceCodeStart) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<Record<string, unknown>> {
  const started = await httpRequest({
    method: 'POST',
    url: `${server}/${tenantId}/oauth2/v2.0/devicecode`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: form.clientId, scope: form.scope }).toString(),
    caCert,
  });
  const code = parseJson(started.text);
  if (started.status !== 200 || typeof code.device_code !== 'string') throw new CliError(String(code.error_description ?? `The device code endpoint answered ${started.status}.`).split('\r\n')[0]);
  show({ message: String(code.message ?? `To sign in, use a web browser to open the page ${code.verification_uri} and enter the code ${code.user_code} to authenticate.`), userCode: String(code.user_code), verificationUri: String(code.verification_uri) });

  let interval = Number(code.interval ?? 5) * 1000;
  const deadline = Date.now() + Number(code.expires_in ?? 900) * 1000;
  while (Date.now() < deadline) {
    await sleep(interval);
    const reply = await httpRequest({
      method: 'POST',
      url: `${server}/${tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: DEVICE_GRANT, client_id: form.clientId, device_code: code.device_code }).toString(),
      caCert,
    });
    const body = parseJson(reply.text);
    if (reply.status === 200) return body;
    if (body.error === 'authorization_pending') continue;
    // RFC 8628 §3.5: slow_down adds 5 seconds to the interval for this and later polls.
    if (body.error === 'slow_down') {
      interval += 5000;
      continue;
    }
    if (body.error === 'expired_token') throw new CliError('The device code expired before sign-in was completed. Run amity login --use-device-code again.');
    throw new CliError(String(body.error_description ?? body.error ?? `The token endpoint answered ${reply.status}.`).split('\r\n')[0]);
  }
  throw new CliError('The device code expired before sign-in was completed. Run amity login --use-device-code again.');
}

/** The signed-in person's name from the id token (or the access token): what az shows as `user.name`. */
export function userNameOf(tokens: Record<string, unknown>): string | undefined {
  for (const jwt of [tokens.id_token, tokens.access_token]) {
    if (typeof jwt !== 'string') continue;
    try {
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      const name = claims.preferred_username ?? claims.upn ?? claims.unique_name;
      if (typeof name === 'string') return name;
    } catch {
      // not a JWT we can read: try the next
    }
  }
  return undefined;
}
